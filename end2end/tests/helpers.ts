import { expect, test, type APIRequestContext, type APIResponse, type Cookie, type Page } from '@playwright/test';
import { IDP_ORIGIN, WARDEN_ORIGIN, WARDEN_URL } from './env';

export { IDP_ORIGIN, IDP_URL, WARDEN_ORIGIN, WARDEN_URL } from './env';

/** Local-only password shared by every IdP user (docs/contract.md). */
export const PASSWORD = 'warden-local-pw';

/** IdP users and the role the console must derive from their groups (docs/contract.md). */
export const USERS = {
  admin: { username: 'admin', role: 'admin' },
  onboarder: { username: 'onboarder', role: 'onboarding' },
  auditor: { username: 'auditor', role: 'auditor' },
  nobody: { username: 'nobody', role: 'none' },
} as const;
export type UserName = keyof typeof USERS;

/** The seeded demo fleet. */
export const SENSORS = ['sensor-001', 'sensor-002', 'sensor-003'] as const;
export const THING_TYPE = 'IndustrialSensor';
export const THING_GROUP = 'IndustrialSensors';
export const POLICY = 'RestrictiveSensorPolicy';

/**
 * Strings that only appear in fleet data. A page/response shown to someone without access
 * (or without a session) must contain none of them, not even in serialized hydration state.
 */
export const FLEET_MARKERS = [
  ...SENSORS,
  THING_TYPE, // also matches IndustrialSensors
  POLICY,
  'iot:Connect',
  'iot:Connection.Thing.ThingName',
  'factory-001',
  'factory-002',
  'factory-003',
  'temperature-sensor',
] as const;

/** Returns the fleet markers found in `text` (empty when nothing leaked). */
export function fleetMarkersIn(text: string): string[] {
  return FLEET_MARKERS.filter((m) => text.includes(m));
}

/** Locators of the IdP's login form (docs/contract.md, "Login page"). */
export function idpForm(page: Page) {
  return {
    username: page.locator('input[name=username]'),
    password: page.locator('input[name=password]'),
    submit: page.locator('button[type=submit]', { hasText: 'Sign in' }),
  };
}

/**
 * From a signed-out console, follows `a#sign-in` (→ /auth/login → IdP) and waits for the
 * IdP's login form.
 */
export async function openIdpLogin(page: Page): Promise<void> {
  await page.goto(`${WARDEN_URL}/`);
  const signIn = page.locator('a#sign-in');
  await expect(signIn, 'the anonymous home page must offer a#sign-in').toBeVisible();
  // With JS on, click only once hydration is done, so the hydrated link (not the bare SSR
  // one) is what gets tested, every time.
  await settle(page);
  await signIn.click();
  await page.waitForURL((url) => url.origin === IDP_ORIGIN, { waitUntil: 'load' });
  await expect(idpForm(page).username).toBeVisible();
}

/** Fills and submits the IdP's login form (the page must be showing it). */
export async function submitIdpLogin(page: Page, username: string, password: string): Promise<void> {
  const form = idpForm(page);
  await form.username.fill(username);
  await form.password.fill(password);
  await form.submit.click();
}

/**
 * Signs `user` in through the real OIDC flow: console home → a#sign-in → IdP login form →
 * /auth/callback → /devices. Works with and without JavaScript. Leaves the page on /devices
 * and checks that the header names the user.
 */
export async function login(page: Page, user: UserName, password: string = PASSWORD): Promise<void> {
  const { username } = USERS[user];
  await openIdpLogin(page);
  await submitIdpLogin(page, username, password);
  try {
    await page.waitForURL((url) => url.origin === WARDEN_ORIGIN && url.pathname === '/devices', {
      waitUntil: 'load',
    });
  } catch (e) {
    // Say where the sign-in stopped (the IdP's form again, a console error page, …).
    const text = (await page.locator('body').innerText().catch(() => '')).slice(0, 500);
    throw new Error(`sign-in as ${username} did not reach /devices; it stopped at ${page.url()}: ${text}\n${e}`);
  }
  await expect(page.locator('#current-user')).toHaveText(username);
}

/**
 * Signs the browser out of everything (the console and the IdP) and signs `user` in. The page
 * leaves the console first, so no request of the old page can answer after the cookies are
 * gone and set its session cookie again.
 */
export async function switchUser(page: Page, user: UserName): Promise<void> {
  await page.goto('about:blank');
  await page.context().clearCookies();
  await login(page, user);
}

/**
 * Waits until the page is ready to use: hydrated when JavaScript is on (the app marks
 * html[data-hydrated]); loaded when it is off.
 */
export async function settle(page: Page, timeoutMs = 15_000): Promise<void> {
  if (test.info().project.use.javaScriptEnabled === false) {
    await page.waitForLoadState('load', { timeout: timeoutMs });
    return;
  }
  // The app sets html[data-hydrated] from an Effect, which runs only once hydration is done.
  await page.locator('html[data-hydrated="true"]').waitFor({ state: 'attached', timeout: timeoutMs });
}

/** All cookies the browser would send to the console, as one `Cookie:` header value. */
export async function consoleCookieHeader(page: Page): Promise<{ header: string; cookies: Cookie[] }> {
  const cookies = await page.context().cookies(WARDEN_URL);
  return { header: cookies.map((c) => `${c.name}=${c.value}`).join('; '), cookies };
}

export const LIST_DEVICES_PATH = '/api/list_devices';

/**
 * POSTs the `list_devices` server function the way a (non-JS) client would: form-urlencoded,
 * empty body (all filters optional). `origin` defaults to the console's own origin so that a
 * refusal can only be caused by what the test is about (session/role), not by the CSRF check;
 * pass `null` to send no Origin header. Redirects are not followed: the status is the answer.
 */
export async function postListDevices(
  request: APIRequestContext,
  opts: { origin?: string | null; cookie?: string } = {},
): Promise<APIResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const origin = opts.origin === undefined ? WARDEN_ORIGIN : opts.origin;
  if (origin !== null) headers.origin = origin;
  if (opts.cookie !== undefined) headers.cookie = opts.cookie;
  return request.post(`${WARDEN_URL}${LIST_DEVICES_PATH}`, { headers, data: '', maxRedirects: 0 });
}

/** What went wrong in the browser while a page was loading / hydrating. */
export interface BrowserProblems {
  /** console.error / console.warning messages (text + source URL). */
  console: string[];
  /** Uncaught exceptions (a WASM panic during hydration lands here as "unreachable"). */
  pageErrors: string[];
  /** Requests that failed at the network level (e.g. blocked by CSP). */
  failedRequests: string[];
}

/**
 * Starts recording console errors/warnings, uncaught page errors, failed requests and
 * `securitypolicyviolation` DOM events. Call before the navigation you want to watch; read
 * the CSP events with `cspViolations(page)` afterwards.
 */
export async function watchBrowserProblems(page: Page): Promise<BrowserProblems> {
  const problems: BrowserProblems = { console: [], pageErrors: [], failedRequests: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') {
      problems.console.push(`[${msg.type()}] ${msg.text()} (${msg.location().url})`);
    }
  });
  page.on('pageerror', (err) => problems.pageErrors.push(`${err.name}: ${err.message}`));
  page.on('requestfailed', (req) => {
    problems.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText ?? '?'}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __wardenCsp: string[] };
    w.__wardenCsp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__wardenCsp.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} (${e.sourceFile}:${e.lineNumber})`);
    });
  });
  return problems;
}

/** `securitypolicyviolation` events recorded by `watchBrowserProblems` on the current document. */
export async function cspViolations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __wardenCsp?: string[] }).__wardenCsp ?? []);
}

/** Parses a Content-Security-Policy header into directive → source list (lower-cased names). */
export function parseCsp(header: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of header.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (!name) continue;
    const key = name.toLowerCase();
    if (!directives.has(key)) directives.set(key, values); // first occurrence wins, as in browsers
  }
  return directives;
}

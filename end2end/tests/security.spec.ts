import { expect, test } from '@playwright/test';
import { WARDEN_URL, fleetMarkersIn, login, parseCsp } from './helpers';

const NONCE = /^'nonce-([A-Za-z0-9+/_=-]{8,})'$/;

/** Checks the security headers of one HTML response; returns the CSP nonce. */
function expectSecurityHeaders(headers: Record<string, string>, label: string): string {
  expect(headers['content-type'], `${label}: content-type`).toMatch(/text\/html/i);

  const cspHeader = headers['content-security-policy'];
  expect(cspHeader, `${label}: Content-Security-Policy header`).toBeTruthy();
  const csp = parseCsp(cspHeader);

  const scriptSrc = csp.get('script-src');
  expect(scriptSrc, `${label}: CSP has script-src (${cspHeader})`).toBeDefined();
  const nonces = scriptSrc!.filter((s) => NONCE.test(s));
  expect(nonces, `${label}: script-src has one 'nonce-…' (${cspHeader})`).toHaveLength(1);
  expect(scriptSrc, `${label}: script-src allows WASM (${cspHeader})`).toContain("'wasm-unsafe-eval'");
  expect(scriptSrc, `${label}: script-src must not allow inline (${cspHeader})`).not.toContain("'unsafe-inline'");
  expect(scriptSrc, `${label}: script-src must not allow eval (${cspHeader})`).not.toContain("'unsafe-eval'");

  expect(csp.get('frame-ancestors'), `${label}: frame-ancestors (${cspHeader})`).toEqual(["'none'"]);

  expect(headers['x-content-type-options']?.toLowerCase(), `${label}: X-Content-Type-Options`).toBe('nosniff');
  expect(headers['referrer-policy'], `${label}: Referrer-Policy`).toBeTruthy();
  return NONCE.exec(nonces[0])![1];
}

test.describe('security headers', () => {
  test('HTML pages send CSP (nonce, wasm-unsafe-eval, no unsafe-inline, frame-ancestors none), nosniff and Referrer-Policy', async ({ page, request }) => {
    const anonymous = await request.get(`${WARDEN_URL}/`);
    expect(anonymous.status()).toBe(200);
    expectSecurityHeaders(anonymous.headers(), 'GET / (anonymous)');

    await login(page, 'admin');
    const devices = await page.goto(`${WARDEN_URL}/devices`);
    expect(devices?.status()).toBe(200);
    expectSecurityHeaders(await devices!.allHeaders(), 'GET /devices (admin)');
  });

  test('the CSP nonce is different on every response', async ({ request }) => {
    const first = await request.get(`${WARDEN_URL}/`);
    const second = await request.get(`${WARDEN_URL}/`);
    const a = expectSecurityHeaders(first.headers(), 'first GET /');
    const b = expectSecurityHeaders(second.headers(), 'second GET /');
    expect(a, 'a fixed nonce would make the CSP useless').not.toBe(b);
  });
});

test.describe('health check', () => {
  test('/healthz answers 200 without a cookie and its body holds no fleet data', async ({ playwright }) => {
    const anonymous = await playwright.request.newContext(); // empty cookie jar
    try {
      const response = await anonymous.get(`${WARDEN_URL}/healthz`, { maxRedirects: 0 });
      expect(response.status()).toBe(200);
      const body = await response.text();
      expect(fleetMarkersIn(body), '/healthz leaks fleet data').toEqual([]);
      for (const secret of ['arn:aws:', 'local-dev-secret-not-for-production', '-----BEGIN']) {
        expect(body, `/healthz body mentions ${secret}`).not.toContain(secret);
      }
    } finally {
      await anonymous.dispose();
    }
  });
});

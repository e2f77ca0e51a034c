import { expect, request as apiRequest, test } from '@playwright/test';
import {
  IDP_ORIGIN,
  USERS,
  WARDEN_URL,
  consoleCookieHeader,
  fleetMarkersIn,
  idpForm,
  login,
  openIdpLogin,
  postListDevices,
  settle,
  submitIdpLogin,
} from './helpers';

test.describe('sign-in through the IdP', () => {
  for (const user of ['admin', 'onboarder', 'auditor'] as const) {
    const { username, role } = USERS[user];
    test(`${user} signs in and the header shows user "${username}" and role "${role}"`, { tag: '@nojs' }, async ({ page }) => {
      await login(page, user);
      await expect(page.locator('#current-user')).toHaveText(username);
      await expect(page.locator('#current-role')).toHaveText(role);
      await expect(page.locator('#no-access')).toHaveCount(0);
      await expect(page.locator('button#sign-out')).toBeVisible();
      await expect(page.locator('a#sign-in')).toHaveCount(0);
    });
  }

  test('a wrong password is refused by the IdP form and opens no console session', async ({ page }) => {
    await openIdpLogin(page);
    const errorText = /invalid|incorrect|wrong|failed|error|denied|not recogni[sz]ed/i;
    const before = await page.locator('body').innerText();
    expect(before, 'the fresh IdP login form should not already show an error').not.toMatch(errorText);

    await submitIdpLogin(page, USERS.admin.username, 'not-the-warden-password');

    // The IdP re-shows its form with an error; we never reach the console's callback.
    await expect.poll(() => page.locator('body').innerText(), { message: 'IdP shows an error' }).toMatch(errorText);
    expect(new URL(page.url()).origin).toBe(IDP_ORIGIN);
    await expect(idpForm(page).password).toBeVisible();
    await expect(idpForm(page).submit).toBeVisible();

    // And the console still treats this browser as signed out.
    await page.goto(`${WARDEN_URL}/devices`);
    await expect(page.locator('a#sign-in')).toBeVisible();
    await expect(page.locator('#current-user')).toHaveCount(0);
    expect(fleetMarkersIn(await page.content())).toEqual([]);
  });
});

test.describe('sign-out', () => {
  test('after sign-out the old session cookie gets no data (page and API)', { tag: '@nojs' }, async ({ page, browser, javaScriptEnabled }) => {
    await login(page, 'admin');
    await expect(page.locator('tr[data-thing="sensor-001"]')).toBeVisible();

    // Capture the session as an attacker who copied it would.
    const { header: cookie, cookies } = await consoleCookieHeader(page);
    expect(cookies.length, 'a signed-in browser holds a console cookie').toBeGreaterThan(0);

    // Sanity: the captured cookies are a working session before sign-out, so the refusals
    // below can only come from the sign-out.
    const beforeLogout = await apiRequest.newContext({ extraHTTPHeaders: { cookie } });
    try {
      const ok = await postListDevices(beforeLogout);
      expect(ok.status(), 'list_devices with the captured cookie before sign-out').toBe(200);
    } finally {
      await beforeLogout.dispose();
    }

    // Sign out with the real button (a plain POST form, so it works without JS too),
    // after hydration when JS is on.
    await settle(page);
    const logoutRequest = page.waitForRequest(
      (r) => r.method() === 'POST' && r.url().startsWith(`${WARDEN_URL}/auth/logout`),
    );
    await page.locator('button#sign-out').click();
    const logoutResponse = await (await logoutRequest).response();
    expect(logoutResponse, 'POST /auth/logout got a response').not.toBeNull();
    expect(logoutResponse!.status(), 'POST /auth/logout status').toBeLessThan(400);

    // This browser is signed out (checked in a second tab, so wherever the logout redirect
    // chain ends up in the first one cannot interfere).
    const tab = await page.context().newPage();
    await tab.goto(`${WARDEN_URL}/devices`);
    await expect(tab.locator('a#sign-in')).toBeVisible();
    await expect(tab.locator('#current-user')).toHaveCount(0);
    await expect(tab.locator('tr[data-thing]')).toHaveCount(0);
    await tab.close();

    // Replaying the old cookie header: the server must have invalidated the session.
    const replay = await apiRequest.newContext({ extraHTTPHeaders: { cookie } });
    try {
      const api = await postListDevices(replay);
      expect(api.status(), 'list_devices with the pre-logout cookie').toBe(401);
      expect(fleetMarkersIn(await api.text())).toEqual([]);

      // Not following redirects: Playwright drops an explicit Cookie header on redirect.
      const html = await replay.get(`${WARDEN_URL}/devices`, { maxRedirects: 0 });
      const body = await html.text();
      expect(fleetMarkersIn(body), 'GET /devices with the pre-logout cookie leaks fleet data').toEqual([]);
      if (html.status() === 200) {
        expect(body, 'signed-out /devices offers a#sign-in').toMatch(/<a\b[^>]*\bid=["']?sign-in\b/);
      } else {
        expect([301, 302, 303, 307, 308], `GET /devices status ${html.status()}`).toContain(html.status());
      }
    } finally {
      await replay.dispose();
    }

    // Re-adding the old cookies to a brand-new browser context: signed-out page, no data.
    const context = await browser.newContext({ javaScriptEnabled });
    try {
      await context.addCookies(cookies);
      const fresh = await context.newPage();
      await fresh.goto(`${WARDEN_URL}/devices`);
      await expect(fresh.locator('a#sign-in')).toBeVisible();
      await expect(fresh.locator('#current-user')).toHaveCount(0);
      await expect(fresh.locator('tr[data-thing]')).toHaveCount(0);
      expect(fleetMarkersIn(await fresh.content())).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

import { expect, test } from '@playwright/test';
import {
  FLEET_MARKERS,
  IDP_ORIGIN,
  WARDEN_URL,
  fleetMarkersIn,
  login,
  postListDevices,
  settle,
} from './helpers';

test.describe('access control', () => {
  test('nobody (no mapped role) sees #no-access and no fleet data; list_devices answers 403', async ({ page, javaScriptEnabled }) => {
    await login(page, 'nobody');
    await expect(page.locator('#current-role')).toHaveText('none');
    await expect(page.locator('#no-access')).toBeVisible();
    await expect(page.locator('#no-access')).toContainText(/no access/i);

    for (const path of ['/devices', '/devices/sensor-001', '/thing-types', '/thing-groups']) {
      // The thing named in the URL may be echoed back; anything else from the fleet must not appear.
      const requested = path.startsWith('/devices/') ? path.slice('/devices/'.length) : null;
      const leaks = (text: string) => fleetMarkersIn(text).filter((m) => m !== requested);

      await page.goto(`${WARDEN_URL}${path}`);
      if (javaScriptEnabled) await settle(page);
      await expect(page.locator('#current-user'), `${path}: still signed in`).toHaveText('nobody');
      await expect(page.locator('tr[data-thing]'), `${path}: device rows`).toHaveCount(0);
      await expect(page.locator('pre.policy-document'), `${path}: policy documents`).toHaveCount(0);
      await expect(page.locator('section.certificate'), `${path}: certificates`).toHaveCount(0);
      expect(leaks(await page.content()), `${path}: fleet data in the rendered page`).toEqual([]);

      // The raw server HTML too: serialized hydration state must not carry the data either.
      const raw = await page.request.get(`${WARDEN_URL}${path}`);
      expect(leaks(await raw.text()), `${path}: fleet data in the server HTML`).toEqual([]);
    }
    await expect(page.locator('#no-access')).toBeVisible(); // still on the last page

    // The server function itself refuses, with the console's own Origin (so this is the role
    // check speaking, not the CSRF check).
    const api = await postListDevices(page.request);
    expect(api.status(), 'POST /api/list_devices as nobody').toBe(403);
    expect(fleetMarkersIn(await api.text())).toEqual([]);
  });

  test('cross-origin POST to /api/list_devices with an admin cookie gets 403; same-origin gets 200', async ({ page }) => {
    await login(page, 'admin');

    const same = await postListDevices(page.request);
    expect(same.status(), 'same-origin POST /api/list_devices').toBe(200);
    expect(await same.text(), 'same-origin answer carries the fleet').toContain('sensor-001');

    for (const origin of ['http://evil.example', IDP_ORIGIN, 'null']) {
      const refused = await postListDevices(page.request, { origin });
      expect(refused.status(), `POST /api/list_devices with Origin: ${origin}`).toBe(403);
      const body = await refused.text();
      expect(FLEET_MARKERS.filter((m) => body.includes(m)), `Origin: ${origin} answer leaks data`).toEqual([]);
    }
  });
});

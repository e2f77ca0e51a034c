import { expect, test, type Page, type Response } from '@playwright/test';
import {
  POLICY,
  SENSORS,
  THING_GROUP,
  THING_TYPE,
  WARDEN_ORIGIN,
  WARDEN_URL,
  cspViolations,
  login,
  settle,
  watchBrowserProblems,
} from './helpers';

/** Expected inventory cells for each seeded sensor (location follows the sensor number). */
function expectedAttributes(thing: string): string[] {
  const n = thing.slice(-3); // sensor-001 → 001
  return [`location=factory-${n}`, 'deviceType=temperature-sensor', 'firmwareVersion=1.0.0'];
}

async function expectSensorRow(page: Page, thing: string): Promise<void> {
  const row = page.locator(`table#devices-table tr[data-thing="${thing}"]`);
  await expect(row, `row for ${thing}`).toBeVisible();
  await expect(row).toContainText(thing);
  // Exact-text match so "IndustrialSensor" is not satisfied by the group "IndustrialSensors".
  await expect(row.getByText(THING_TYPE, { exact: true }).first(), `${thing} type`).toBeVisible();
  await expect(row.getByText(THING_GROUP, { exact: true }).first(), `${thing} group`).toBeVisible();
  for (const attribute of expectedAttributes(thing)) {
    await expect(row, `${thing} attribute ${attribute}`).toContainText(attribute);
  }
  await expect(row, `${thing} certificate status`).toContainText('ACTIVE');
  await expect(row, `${thing} policy`).toContainText(POLICY);
}

test.describe('device inventory', () => {
  test('inventory lists sensor-001..003 with attributes, type, group, certificate and policy; no CSP or hydration errors', { tag: '@nojs' }, async ({ page, javaScriptEnabled }) => {
    await login(page, 'admin');

    // Watch a fresh, full load of the inventory (the post-login one went by during the redirect).
    const problems = await watchBrowserProblems(page);
    const wasm: Response[] = [];
    page.on('response', (r) => {
      if (/\.wasm(\?|$)/.test(new URL(r.url()).pathname)) wasm.push(r);
    });
    const response = await page.goto(`${WARDEN_URL}/devices`);
    expect(response?.status()).toBe(200);

    await expect(page.locator('table#devices-table')).toBeVisible();
    for (const thing of SENSORS) await expectSensorRow(page, thing);

    if (javaScriptEnabled) {
      // Let hydration run to completion, then look for trouble.
      await settle(page);
      expect(wasm.length, 'the hydrated page loads its WASM bundle').toBeGreaterThan(0);
      for (const r of wasm) expect(r.status(), `${r.url()} status`).toBe(200);
      await expect(page.locator('html'), 'the app hydrated').toHaveAttribute('data-hydrated', 'true');
      // The table must survive hydration unchanged.
      for (const thing of SENSORS) await expect(page.locator(`tr[data-thing="${thing}"]`)).toBeVisible();

      const csp = await cspViolations(page);
      const cspConsole = problems.console.filter((m) => /content security policy/i.test(m));
      const hydration = problems.console.filter((m) => /hydrat|panicked/i.test(m));
      const blocked = problems.failedRequests.filter((m) => /csp|blocked/i.test(m));
      expect(csp, 'securitypolicyviolation events').toEqual([]);
      expect(cspConsole, 'console messages about Content Security Policy').toEqual([]);
      expect(hydration, 'console messages about hydration / panics').toEqual([]);
      expect(blocked, 'requests blocked by CSP').toEqual([]);
      expect(problems.pageErrors, 'uncaught errors (a WASM panic shows up here)').toEqual([]);
    } else {
      // The no-js project must really be running without JS, or it proves nothing. (The WASM
      // may still be fetched: Leptos emits a <link rel=preload> for it, which browsers honour
      // with scripting off. What must not happen is hydration, which the app marks.)
      await expect(page.locator('html'), 'no hydration with JavaScript disabled').not.toHaveAttribute('data-hydrated', /.*/);
    }
  });

  test('filters name_prefix=sensor-00 + attribute location=factory-002 show only sensor-002', { tag: '@nojs' }, async ({ page, javaScriptEnabled }) => {
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/devices`);
    await expect(page.locator('tr[data-thing="sensor-001"]')).toBeVisible();
    // Hydrated: let the WASM take over the form before using it.
    if (javaScriptEnabled) await settle(page);

    const form = page.locator('form#device-filters');
    await expect(form).toBeVisible();
    await form.locator('input[name=name_prefix]').fill('sensor-00');
    await form.locator('input[name=attribute]').fill('location=factory-002');
    const submit = form.locator('button[type=submit], input[type=submit]');
    if (await submit.count()) {
      await submit.first().click();
    } else {
      await form.locator('input[name=attribute]').press('Enter');
    }

    // A GET form: the filter ends up in the URL, with or without client-side navigation.
    await page.waitForURL((url) => url.origin === WARDEN_ORIGIN && url.pathname === '/devices' && url.searchParams.get('name_prefix') === 'sensor-00');
    expect(new URL(page.url()).searchParams.get('attribute')).toBe('location=factory-002');
    await expect(page.locator('table#devices-table tr[data-thing]')).toHaveCount(1);
    await expect(page.locator('tr[data-thing="sensor-002"]')).toBeVisible();
    await expect(page.locator('tr[data-thing="sensor-002"]')).toContainText('location=factory-002');

    // The same filter as a direct link (server-rendered from the query string).
    await page.goto(`${WARDEN_URL}/devices?name_prefix=sensor-00&attribute=${encodeURIComponent('location=factory-002')}`);
    await expect(page.locator('table#devices-table tr[data-thing]')).toHaveCount(1);
    await expect(page.locator('tr[data-thing="sensor-002"]')).toBeVisible();
  });

  test('device detail for sensor-001 shows policy document, ACTIVE certificate and shadow delta', async ({ page }) => {
    await login(page, 'admin');
    const response = await page.goto(`${WARDEN_URL}/devices/sensor-001`);
    expect(response?.status()).toBe(200);
    await expect(page.locator('h1')).toContainText('sensor-001');

    const documents = page.locator('pre.policy-document');
    await expect(documents.first()).toBeVisible();
    const policyText = (await documents.allTextContents()).join('\n');
    expect(policyText).toContain('iot:Connect');
    expect(policyText).toContain('${iot:Connection.Thing.ThingName}');

    const certificates = page.locator('section.certificate');
    await expect(certificates.first()).toBeVisible();
    await expect(certificates.filter({ hasText: 'ACTIVE' }).first()).toBeVisible();

    // sensor-001 is seeded with desired != reported, so the console must show a delta.
    const shadow = page.locator('section#shadow');
    await expect(shadow).toBeVisible();
    await expect(shadow).toContainText(/delta/i);
  });

  test('thing types page lists IndustrialSensor', async ({ page }) => {
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/thing-types`);
    const table = page.locator('table#thing-types-table');
    await expect(table).toBeVisible();
    await expect(table.getByText(THING_TYPE, { exact: true }).first()).toBeVisible();
  });

  test('thing groups page lists IndustrialSensors', async ({ page }) => {
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/thing-groups`);
    const table = page.locator('table#thing-groups-table');
    await expect(table).toBeVisible();
    await expect(table.getByText(THING_GROUP, { exact: true }).first()).toBeVisible();
  });
});

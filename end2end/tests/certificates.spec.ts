import { expect, test, type Locator, type Page } from '@playwright/test';
import { SENSORS, WARDEN_ORIGIN, WARDEN_URL, login, settle } from './helpers';

/**
 * The certificates-table row of `thing`'s certificate, from the list filtered to that device
 * (the whole list is newest first, so the seeded sensors are as many pages back as the tests
 * before this one made certificates).
 */
async function findRow(page: Page, thing: string): Promise<Locator> {
  await page.goto(`${WARDEN_URL}/certificates?thing=${encodeURIComponent(thing)}`);
  await settle(page);
  return page.locator('#certificates-table tr', { has: page.locator(`a.chip:text-is("${thing}")`) });
}

test.describe('certificates', () => {
  test('an admin sees every sensor certificate, filters by expiry, deactivates one and activates it again', async ({ page }) => {
    await login(page, 'admin');
    // A run interrupted half-way on a long-lived dev stack may have left sensor-003 inactive.
    const left = await findRow(page, 'sensor-003');
    if ((await left.getAttribute('data-status')) === 'INACTIVE') {
      const id = await left.getAttribute('data-certificate');
      const res = await page.request.post(`${WARDEN_URL}/api/change_certificate_status`, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: WARDEN_ORIGIN },
        data: `id=${id}&change=Activate`,
      });
      expect(res.status()).toBe(200);
    }
    // Each sensor's certificate, found from its device page, with its status and policy.
    for (const s of SENSORS) {
      await page.goto(`${WARDEN_URL}/devices/${s}`);
      await settle(page);
      await page.locator('#manage-certificates-link').click();
      await expect(page).toHaveURL(new RegExp(`/certificates\\?thing=${s}$`));
      await expect(page.locator('#certificate-filters input[name="thing"]')).toHaveValue(s);
      const row = page.locator('#certificates-table tbody tr');
      await expect(row, `${s}'s certificate alone`).toHaveCount(1);
      await expect(row.locator(`a.chip:text-is("${s}")`)).toHaveCount(1);
      await expect(row).toHaveAttribute('data-status', 'ACTIVE');
      await expect(row).toContainText('RestrictiveSensorPolicy');
    }
    // "All" leaves the device filter.
    await page.locator('#certificate-filters a.reset').click();
    await expect(page).toHaveURL(/\/certificates$/);
    await expect(page.locator('#certificate-filters input[name="thing"]')).toHaveValue('');
    await expect(page.locator('#certificates-table tbody tr').first()).toBeVisible();

    // The seeded certificates are valid for a long time: none expires within 30 days.
    await page.locator('#expiring-soon').click();
    await expect(page).toHaveURL(/expiring_within=30/);
    for (const s of SENSORS) await expect(page.locator(`#certificates-table a.chip:text-is("${s}")`)).toHaveCount(0);

    // Deactivate sensor-003's certificate behind a confirmation naming the device, then undo.
    const row = await findRow(page, 'sensor-003');
    await row.locator('details.confirm-deactivate summary').click();
    await row.getByRole('button', { name: 'Deactivate the certificate of sensor-003' }).click();
    await expect(page.locator('#change-notice')).toContainText('is now INACTIVE');
    await expect(row).toHaveAttribute('data-status', 'INACTIVE');
    const activate = row.locator('details.confirm-activate');
    await activate.locator('summary').click();
    await expect(activate).toHaveAttribute('open', '');
    await row.getByRole('button', { name: 'Activate the certificate of sensor-003' }).click();
    await expect(page.locator('#change-notice')).toContainText('is now ACTIVE');
    await expect(row).toHaveAttribute('data-status', 'ACTIVE');
  });

  test('auditors read the certificate list without any control to change it', async ({ page }) => {
    await login(page, 'auditor');
    await page.goto(`${WARDEN_URL}/certificates?thing=sensor-001`);
    await expect(page.locator('#no-access')).toHaveCount(0);
    const table = page.locator('#certificates-table');
    await expect(table.locator('tr[data-certificate]').first()).toBeVisible();
    await expect(table.locator('th', { hasText: 'Change' })).toHaveCount(0);
    await expect(table.locator('details.confirm, a.rotate, button.danger')).toHaveCount(0);
  });

  test('onboarding staff see no certificate list, and no policy document or shadow on a device', { tag: '@nojs' }, async ({ page }) => {
    await login(page, 'onboarder');
    await page.goto(`${WARDEN_URL}/certificates`);
    await expect(page.locator('#no-access')).toBeVisible();
    await page.goto(`${WARDEN_URL}/devices/sensor-001`);
    await expect(page.locator('section.certificate').first()).toBeVisible();
    await expect(page.locator('#documents-withheld')).toBeVisible();
    await expect(page.locator('pre.policy-document')).toHaveCount(0);
    await expect(page.locator('section#shadow')).toHaveCount(0);
  });
});

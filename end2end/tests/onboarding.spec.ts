import { expect, test } from '@playwright/test';
import { THING_GROUP, THING_TYPE, WARDEN_URL, login, switchUser, settle } from './helpers';
import { iot, putProfile, sensorPolicyCopy } from './emulator';
import { keyMatchesCertificate, zipEntries } from './zip';

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

// The seeded sensor policy's document under a name of this file's own (see sensorPolicyCopy),
// and the onboarding profile that gives it (with the seeded type and group, attribute `site`).
let policy: string;
let profile: string;
test.beforeAll(() => {
  const tag = stamp();
  policy = sensorPolicyCopy(tag);
  profile = `e2e-${tag}`;
  putProfile({ name: profile, thing_type: THING_TYPE, groups: [THING_GROUP], policies: [policy], required_attributes: ['site'] });
});

test.describe('onboarding wizard', () => {
  test('onboarding staff register a device within a profile with a key made in the browser; the downloaded key matches its certificate', async ({ page }) => {
    const thing = `e2e-wizard-${stamp()}`;
    await login(page, 'onboarder');
    await page.goto(`${WARDEN_URL}/onboard`);
    await settle(page);

    // Step 1. A profile must be chosen; AWS's name rule is checked as you type; a taken name
    // is caught on Next.
    const name = page.locator('#thing-name');
    await name.fill('bad name!');
    await expect(page.locator('#identity-problems')).toContainText('thing name');
    await expect(page.locator('#identity-problems')).toContainText('Choose the onboarding profile');
    await page.locator('#onboarding-profile').selectOption(profile);
    await expect(page.locator('#profile-summary')).toContainText(policy);
    // The profile sets the type and groups, and asks for its attribute.
    await expect(page.locator('#thing-type')).toBeDisabled();
    await expect(page.locator('#thing-type')).toHaveValue(THING_TYPE);
    await expect(page.locator(`input[name="group"][value="${THING_GROUP}"]`)).toBeChecked();
    await expect(page.locator('input[name="attr-name"]')).toHaveValue('site');
    await name.fill('sensor-001');
    await page.locator('#identity-next').click();
    await expect(page.locator('#identity-problems')).toContainText('requires the attribute site');
    await page.locator('input[name="attr-value"]').fill('e2e-lab');
    await page.locator('#identity-next').click();
    await expect(page.locator('#identity-problems')).toContainText('already exists');
    await name.fill(thing);
    await page.locator('#identity-next').click();

    // Step 2. The default: an EC P-256 key made here.
    await expect(page.locator('input[name="cert-source"][value="browser"]')).toBeChecked();
    await page.locator('#certificate-next').click();

    // Step 3. The profile's policy, fixed, and what it lets this device do.
    await expect(page.locator('#policies-from-profile')).toContainText(profile);
    await expect(page.locator(`input[name="policy"][value="${policy}"]`)).toBeChecked();
    await expect(page.locator(`input[name="policy"][value="${policy}"]`)).toBeDisabled();
    await expect(page.locator('input[name="policy"]')).toHaveCount(1);
    await expect(page.locator('#policy-summary .grants-connect')).toContainText(thing);
    await expect(page.locator('#policy-summary .grants-publish')).toContainText(thing);
    await page.locator('#policy-next').click();

    // Step 4. Every call listed, then run with live status.
    const steps = page.locator('#run-steps li');
    await expect(steps.first()).toContainText(`Check that no thing is named ${thing} yet`);
    await expect(page.locator('#review')).toContainText('site = e2e-lab');
    await expect(page.locator('#review')).toContainText(profile);
    await page.locator('#create-device').click();

    // Step 5. The device exists; the bundle is made in the browser.
    await expect(page.locator('#device-created')).toContainText(`${thing} is registered`, { timeout: 20_000 });
    await expect(page.locator('#key-match')).toHaveText('The private key matches the certificate.');
    const download = page.waitForEvent('download');
    await page.locator('#download-bundle').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${thing}.zip`);
    const entries = zipEntries(await file.path());
    expect([...entries.keys()].sort()).toEqual(['README.txt', 'certificate.pem.crt', 'private.pem.key', 'public.pem.key']);
    expect(keyMatchesCertificate(entries.get('private.pem.key')!, entries.get('certificate.pem.crt')!)).toBe(true);
    expect(entries.get('README.txt')).toContain(thing);
    expect(entries.get('README.txt')).toContain(`sensors/${thing}`);

    // AWS holds it as described.
    await page.goto(`${WARDEN_URL}/devices/${thing}`);
    await settle(page);
    await expect(page.locator('main')).toContainText(THING_TYPE);
    await expect(page.locator('main')).toContainText('e2e-lab');
    await expect(page.locator('main')).toContainText(policy);
  });

  test('an admin chooses freely; a failed create is undone and says why; an AWS-made key is offered once; auditors cannot onboard', async ({ page }) => {
    const thing = `e2e-undo-${stamp()}`;
    const doomed = `E2eDoomedPolicy-${stamp()}`;
    iot('create_policy', { policyName: doomed, policyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] }) });
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/onboard`);
    await settle(page);
    await expect(page.locator('#onboarding-profile')).toHaveValue('');
    await page.locator('#thing-name').fill(thing);
    await page.locator(`input[name="group"][value="${THING_GROUP}"]`).check();
    await page.locator('#identity-next').click();
    // A certificate that is not one is refused here, before anything is sent.
    await page.locator('input[name="cert-source"][value="bring"]').check();
    await page.locator('#brought-pem').fill('-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----');
    await page.locator('#certificate-next').click();
    await expect(page.locator('#certificate-problems')).toContainText('certificate');
    await page.locator('input[name="cert-source"][value="aws"]').check();
    await expect(page.locator('#aws-key-warning')).toBeVisible();
    await page.locator('#certificate-next').click();
    await page.locator(`input[name="policy"][value="${doomed}"]`).check();
    await page.locator('#policy-next').click();
    // The policy goes away behind the console's back: attaching it fails, and the run undoes
    // the thing, its group membership and the certificate.
    iot('delete_policy', { policyName: doomed });
    await page.locator('#create-device').click();
    await expect(page.locator('#run-error')).toContainText(`Attach policy ${doomed} to the certificate failed`, { timeout: 20_000 });
    await expect(page.locator('#run-error')).toContainText('Everything this run created was undone.');
    await expect(page.locator('#run-steps li[data-status="failed"]')).toHaveCount(1);
    await expect(page.locator('#run-steps li[data-status="undone"]')).toHaveCount(3);
    expect(() => iot('describe_thing', { thingName: thing })).toThrow();

    // Back, another policy, and this time it works; the AWS-made key is offered once.
    await page.locator('.wizard-back').click();
    await page.locator(`input[name="policy"][value="${doomed}"]`).uncheck();
    await page.locator(`input[name="policy"][value="${policy}"]`).check();
    await page.locator('#policy-next').click();
    await page.locator('#create-device').click();
    await expect(page.locator('#device-created')).toContainText(`${thing} is registered`, { timeout: 20_000 });
    await expect(page.locator('#aws-key-once')).toBeVisible();
    await expect(page.locator('#key-match')).toHaveText('The private key matches the certificate.');

    await switchUser(page, 'auditor');
    await page.goto(`${WARDEN_URL}/onboard`);
    await expect(page.locator('#no-access')).toBeVisible();
  });
});

test.describe('bulk onboarding', () => {
  test('a CSV with a bad row: problems listed, the row left out, keys made and saved, the job runs to a result file', async ({ page }) => {
    const prefix = `e2e-bulk-${stamp()}`;
    const csv = [
      'thingName,thingType,groups,policies,attr.site',
      `${prefix}-a,${THING_TYPE},${THING_GROUP},${policy},north`,
      `${prefix}-b,,,${policy},south`,
      `${prefix}-c,,,NoSuchPolicy,west`,
      `${prefix}-d,,,${policy};RestrictiveSensorPolicy,east`,
    ].join('\n');
    await login(page, 'onboarder');
    await page.goto(`${WARDEN_URL}/onboard/bulk`);
    await settle(page);
    await page.locator('#bulk-file').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await expect(page.locator('#start-blocked')).toContainText('Choose the onboarding profile');
    // Within the profile: row b's empty cells take the profile's type, group and policy;
    // row d asks for the seeded policy beside it, which the profile does not give.
    await page.locator('#onboarding-profile').selectOption(profile);
    await expect(page.locator('#plan-counts')).toContainText('4 rows: 2 ready, 2 with problems');
    const bad = page.locator('#bad-rows tr[data-line="4"]');
    await expect(bad).toContainText(`${prefix}-c`);
    await expect(bad).toContainText('NoSuchPolicy');
    await expect(page.locator('#bad-rows tr[data-line="5"]')).toContainText('gives the policies');
    await expect(page.locator('#start-job')).toBeDisabled();
    await page.locator('#exclude-bad-rows').check();

    // Keys for the two rows without a CSR, made here and saved before the job may start.
    await page.locator('#make-keys').click();
    await expect(page.locator('#keys-ready')).toContainText('2 key pair(s) made');
    await expect(page.locator('#start-job')).toBeDisabled();
    const download = page.waitForEvent('download');
    await page.locator('#download-keys').click();
    const keys = zipEntries(await (await download).path());
    expect([...keys.keys()].sort()).toEqual([
      `${prefix}-a/private.pem.key`, `${prefix}-a/public.pem.key`,
      `${prefix}-b/private.pem.key`, `${prefix}-b/public.pem.key`,
    ]);
    await expect(page.locator('#start-job')).toBeEnabled();
    await page.locator('#start-job').click();

    // Live progress to the end, without a reload.
    await expect(page).toHaveURL(/\/onboard\/bulk\?job=job-/);
    await expect(page.locator('#job-state')).toHaveAttribute('data-state', 'finished', { timeout: 30_000 });
    await expect(page.locator('#job-counts')).toContainText('2 done, 0 failed, 0 remaining of 2');
    const result = page.waitForEvent('download');
    await page.locator('#download-result').click();
    const text = require('node:fs').readFileSync(await (await result).path(), 'utf8') as string;
    const lines = text.trim().split('\n');
    expect(lines[0]).toBe('line,thingName,certificateId,certificateArn,status,error');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2).join(','))).toEqual([`2,${prefix}-a`, `3,${prefix}-b`]);
    expect(lines.slice(1).every((l) => l.includes(',done,'))).toBe(true);

    // The key downloaded for -a is the one its certificate certifies.
    await page.goto(`${WARDEN_URL}/devices/${prefix}-a`);
    await settle(page);
    await expect(page.locator('main')).toContainText(policy);
    await expect(page.locator('main')).toContainText('north');
    // -b got the profile's type and group, though its cells were empty.
    await page.goto(`${WARDEN_URL}/devices/${prefix}-b`);
    await settle(page);
    await expect(page.locator('main')).toContainText(THING_TYPE);
    await expect(page.locator('main')).toContainText(THING_GROUP);
  });
});

test.describe('onboarding profiles', () => {
  test('an admin creates, edits and deletes a profile on its page; onboarding staff and auditors only read them', async ({ page }) => {
    const name = `e2e-page-${stamp()}`;
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/onboard/profiles`);
    await settle(page);
    await page.locator('#new-profile').click();
    await page.locator('#profile-name').fill(name);
    await page.locator('#profile-description').fill('Made by the end-to-end test');
    await page.locator('#save-profile').click();
    await expect(page.locator('#profile-problems')).toContainText('at least one policy');
    await page.locator('#profile-thing-type').selectOption(THING_TYPE);
    await page.locator(`input[name="profile-group"][value="${THING_GROUP}"]`).check();
    await page.locator(`input[name="profile-policy"][value="${policy}"]`).check();
    await page.locator('#profile-required').fill('site, line');
    await page.locator('#save-profile').click();
    await expect(page.locator('#profile-notice')).toContainText(`Profile ${name} saved (version 1).`);
    const row = page.locator(`#profiles-table tr[data-profile="${name}"]`);
    await expect(row).toContainText('site, line');
    await expect(row.locator('.profile-policies')).toHaveText(policy);

    // Edit: another policy beside it; the row shows version 2.
    await row.locator('.edit-profile').click();
    await expect(page.locator('#profile-name')).toHaveAttribute('readonly', '');
    await page.locator('input[name="profile-policy"][value="RestrictiveSensorPolicy"]').check();
    await page.locator('#save-profile').click();
    await expect(page.locator('#profile-notice')).toContainText('(version 2)');
    await expect(row.locator('.profile-policies')).toContainText('RestrictiveSensorPolicy');

    // Onboarding staff see it, without a way to change it.
    await switchUser(page, 'onboarder');
    await page.goto(`${WARDEN_URL}/onboard/profiles`);
    await settle(page);
    await expect(page.locator(`#profiles-table tr[data-profile="${name}"]`)).toBeVisible();
    await expect(page.locator('#new-profile')).toHaveCount(0);
    await expect(page.locator('.edit-profile')).toHaveCount(0);

    // Delete, behind a confirmation that names it.
    await switchUser(page, 'admin');
    await page.goto(`${WARDEN_URL}/onboard/profiles`);
    await settle(page);
    const again = page.locator(`#profiles-table tr[data-profile="${name}"]`);
    await again.locator('.delete-profile').click();
    await expect(again).toContainText(`Delete ${name}?`);
    await again.locator('.confirm-delete').click();
    await expect(page.locator('#profile-deleted')).toHaveText('Profile deleted.');
    await expect(page.locator(`#profiles-table tr[data-profile="${name}"]`)).toHaveCount(0);
  });
});

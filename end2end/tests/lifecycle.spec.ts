import { expect, test } from '@playwright/test';
import { WARDEN_URL, login, settle } from './helpers';
import { iot, sensorPolicyCopy } from './emulator';
import { keyMatchesCertificate, zipEntries } from './zip';

const stamp = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

// The seeded sensor policy's document under a name of this file's own (see sensorPolicyCopy).
let policy: string;
test.beforeAll(() => {
  policy = sensorPolicyCopy(stamp());
});

/** A device made behind the console's back: thing, AWS-made certificate, policy, attachment. */
function device(thing: string): string {
  iot('create_thing', { thingName: thing });
  const cert = iot('create_keys_and_certificate', { setAsActive: true }) as { certificateArn: string; certificateId: string };
  iot('attach_policy', { policyName: policy, target: cert.certificateArn });
  iot('attach_thing_principal', { thingName: thing, principal: cert.certificateArn });
  return cert.certificateId;
}

test.describe('certificate lifecycle', () => {
  test('an admin rotates a device certificate to a key made in the browser, then removes the device', async ({ page }) => {
    const thing = `e2e-rotate-${stamp()}`;
    const oldId = device(thing);
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/certificates`);
    await settle(page);
    const row = page.locator('#certificates-table tr', { has: page.locator(`a.chip:text-is("${thing}")`) });
    await row.locator('a.rotate').click();
    await expect(page).toHaveURL(new RegExp(`/certificates/${oldId}/rotate$`));
    await settle(page);

    // The plan first: every step pending, then the run, live.
    const steps = page.locator('#run-steps li');
    await expect(steps.first()).toHaveText(/Create the new certificate from the CSR/);
    await expect(steps.filter({ hasText: `Attach policy ${policy} to the new certificate` })).toHaveCount(1);
    await expect(steps.filter({ hasText: `Attach the new certificate to thing ${thing}` })).toHaveCount(1);
    await expect(steps.last()).toContainText('INACTIVE');
    await expect(page.locator('#run-steps li[data-status="pending"]')).toHaveCount(await steps.count());
    await page.getByRole('button', { name: `Rotate the certificate of ${thing}` }).click();
    await expect(page.locator('#rotated')).toBeVisible({ timeout: 20_000 });
    await expect(page.locator('#run-steps li[data-status="done"]')).toHaveCount(await steps.count());
    await expect(page.locator('#key-match')).toHaveText('The private key matches the certificate.');
    const download = page.waitForEvent('download');
    await page.locator('#download-bundle').click();
    const bundle = zipEntries(await (await download).path());
    expect(keyMatchesCertificate(bundle.get('private.pem.key')!, bundle.get('certificate.pem.crt')!)).toBe(true);
    // Its README says what the device may do, as the wizard's does.
    expect(bundle.get('README.txt')).toContain(`sensors/${thing}`);

    // In AWS: the old certificate is INACTIVE, the new one ACTIVE on the same thing with the policy.
    const old = iot('describe_certificate', { certificateId: oldId }) as { certificateDescription: { status: string } };
    expect(old.certificateDescription.status).toBe('INACTIVE');
    const principals = (iot('list_thing_principals', { thingName: thing }) as { principals: string[] }).principals;
    const fresh = principals.find((p) => !p.endsWith(oldId))!;
    expect(fresh).toBeTruthy();
    const policies = iot('list_attached_policies', { target: fresh }) as { policies: { policyName: string }[] };
    expect(policies.policies.map((p) => p.policyName)).toEqual([policy]);

    // Remove the device: every step shown, nothing left.
    await page.goto(`${WARDEN_URL}/devices/${thing}`);
    await settle(page);
    await page.locator('#remove-device-link').click();
    await settle(page);
    await expect(page.locator('#run-steps li').last()).toHaveText(new RegExp(`Delete thing ${thing}`));
    await page.getByRole('button', { name: `Remove ${thing} and its certificates` }).click();
    await expect(page.locator('#removed')).toContainText(`${thing} is removed.`, { timeout: 30_000 });
    await expect(page.locator('#run-steps li[data-status="failed"]')).toHaveCount(0);
    expect(() => iot('describe_thing', { thingName: thing })).toThrow();
    expect(() => iot('describe_certificate', { certificateId: oldId })).toThrow();
  });

  test('onboarding staff cannot rotate or remove', async ({ page }) => {
    await login(page, 'onboarder');
    await page.goto(`${WARDEN_URL}/devices/sensor-001/remove`);
    await expect(page.locator('#no-access')).toBeVisible();
    await page.goto(`${WARDEN_URL}/devices/sensor-001`);
    await settle(page);
    await expect(page.locator('#remove-device-link')).toHaveCount(0);
  });
});

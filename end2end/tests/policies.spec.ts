import { expect, test, type Page } from '@playwright/test';
import { POLICY, SENSORS, WARDEN_ORIGIN, WARDEN_URL, login, switchUser, settle, watchBrowserProblems, cspViolations } from './helpers';

/** The seed policy without the status topic: sensors may no longer publish their status. */
function withoutStatusTopic(doc: string): string {
  const policy = JSON.parse(doc);
  for (const st of policy.Statement) {
    if (Array.isArray(st.Resource)) {
      st.Resource = st.Resource.filter((r: string) => !r.endsWith('/status'));
    }
  }
  return JSON.stringify(policy, null, 2);
}

/**
 * Puts the seed policy back to its one version, through the console's own server functions,
 * so that a run interrupted half-way on a long-lived dev stack does not fail the next one.
 */
async function resetSeedPolicy(page: Page): Promise<void> {
  const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: WARDEN_ORIGIN };
  const call = (fn: string, data: string) => page.request.post(`${WARDEN_URL}/api/${fn}`, { headers, data });
  const detail = await call('get_policy', `name=${POLICY}`);
  expect(detail.status()).toBe(200);
  const versions: { id: string; is_default: boolean }[] = (await detail.json()).versions;
  const first = versions[versions.length - 1].id;
  if (!versions.find((v) => v.id === first)?.is_default) {
    expect((await call('set_default_policy_version', `name=${POLICY}&version=${first}`)).status()).toBe(200);
  }
  for (const v of versions.filter((v) => v.id !== first)) {
    expect((await call('delete_policy_version', `name=${POLICY}&version=${v.id}`)).status()).toBe(200);
  }
}

async function simulatePublish(page: Page, topic: string): Promise<void> {
  await page.locator('#sim-op').selectOption('iot:Publish');
  await page.locator('#sim-topic').fill(topic);
}

test.describe('policies', () => {
  test('an admin edits a draft, sees the verdict change and the impact, saves, rolls back and deletes the version', async ({ page }) => {
    await login(page, 'admin');
    await resetSeedPolicy(page);
    const problems = await watchBrowserProblems(page);
    await page.goto(`${WARDEN_URL}/policies`);
    await settle(page);
    const row = page.locator(`table#policies-table tr[data-policy="${POLICY}"]`);
    await expect(row).toBeVisible();
    await expect(row).toContainText('3 certificates');
    await row.getByRole('link', { name: POLICY }).click();

    await expect(page.locator('h1')).toHaveText(POLICY);
    await expect(page.locator('article.version')).toHaveCount(1);
    for (const s of SENSORS) await expect(page.locator('#targets-table')).toContainText(s);
    await page.locator('#edit-policy').click();

    // The editor starts from the default version and finds nothing wrong with it.
    const editor = page.locator('#policy-editor');
    await expect(editor).toHaveValue(/sensors\/\$\{iot:Connection\.Thing\.ThingName\}\/status/);
    await settle(page);
    await expect(page.locator('#diagnostics .level-error')).toHaveCount(0);

    // Simulator: sensor-001 may publish its status under the saved policy.
    await page.locator('#sim-thing').fill('sensor-001');
    await page.locator('#sim-load').click();
    await expect(page.locator('#sim-loaded')).toContainText('sensor-001');
    await expect(page.locator('#sim-context')).toHaveValue(/"iot:Connection.Thing.ThingName": "sensor-001"/);
    await simulatePublish(page, 'sensors/sensor-001/status');
    const result = page.locator('#sim-result');
    await expect(result).toHaveAttribute('data-decision', 'ALLOWED');
    await expect(result.locator('li.decided')).toHaveCount(1);
    // …but not another sensor's topic.
    await page.locator('#sim-topic').fill('sensors/sensor-002/status');
    await expect(result).toHaveAttribute('data-decision', 'IMPLICIT_DENY');
    await page.locator('#sim-topic').fill('sensors/sensor-001/status');
    await expect(result).toHaveAttribute('data-decision', 'ALLOWED');

    // A broken draft is caught at its line, in the browser, and cannot be saved.
    const original = await editor.inputValue();
    await editor.fill(original.replace('"Allow"', '"Alow"'));
    await expect(page.locator('#diagnostics .level-error').first()).toContainText(/line \d+/);
    await expect(page.locator('#save-version')).toBeDisabled();
    // Its place is a button that takes the keyboard back to the editor, at the error.
    await page.locator('#diagnostics .level-error button.where').first().click();
    await expect(editor).toBeFocused();

    // The draft without the status topic: the verdict changes at once.
    await editor.fill(withoutStatusTopic(original));
    await expect(page.locator('#diagnostics .level-error')).toHaveCount(0);
    await expect(result).toHaveAttribute('data-decision', 'IMPLICIT_DENY');

    // Impact preview: every sensor loses its status topic, nothing else changes.
    await page.locator('#preview-impact').click();
    const impact = page.locator('#impact-table');
    await expect(impact).toBeVisible({ timeout: 30_000 });
    for (const s of SENSORS) {
      const r = impact.locator(`tr[data-thing="${s}"]`);
      await expect(r).toHaveCount(1);
      await expect(r).toContainText(`topic/sensors/${s}/status`);
      await expect(r).toContainText('ALLOWED');
      await expect(r).toContainText('IMPLICIT_DENY');
      await expect(r).toHaveAttribute('data-access', 'lost');
    }
    await expect(page.locator('#impact-summary')).toContainText('3 lose access, 0 gain access');

    // Save as the new default. (AWS never reuses a version id, so the new one is read off.)
    await page.locator('#save-version').click();
    await page.waitForURL(`${WARDEN_URL}/policies/${POLICY}`);
    await expect(page.locator('article.version')).toHaveCount(2);
    const saved = page.locator('article.version[data-default="true"]');
    await expect(saved.locator('pre.policy-document')).not.toContainText('/status');
    const newId = await saved.getAttribute('data-version');
    const oldId = await page.locator('article.version[data-default="false"]').getAttribute('data-version');
    expect(Number(newId)).toBeGreaterThan(Number(oldId));
    // The diff shows the status topic going away.
    await expect(page.locator('#diff .removed').filter({ hasText: '/status' }).first()).toBeVisible();

    // Roll back to the old version, then delete the new one: the fleet is as it was.
    await page.getByRole('button', { name: `Make version ${oldId} the default` }).click();
    await expect(page.locator('#action-notice')).toContainText(`Version ${oldId} is now the default`);
    await expect(page.locator('article.version[data-default="true"]')).toHaveAttribute('data-version', oldId!);
    const newArticle = page.locator(`article.version[data-version="${newId}"]`);
    await newArticle.locator('details.confirm summary').click();
    await newArticle.getByRole('button', { name: `Delete version ${newId}` }).click();
    await expect(page.locator('#action-notice')).toContainText(`Version ${newId} was deleted`);
    await expect(page.locator('article.version')).toHaveCount(1);

    expect(await cspViolations(page), 'CSP violations').toEqual([]);
    expect(problems.pageErrors, 'uncaught errors').toEqual([]);
  });

  test('auditors read policies but cannot change them; onboarding staff do not see them', async ({ page }) => {
    await login(page, 'auditor');
    await page.goto(`${WARDEN_URL}/policies/${POLICY}`);
    await settle(page);
    await expect(page.locator('article.version')).toHaveCount(1);
    await expect(page.locator('#edit-policy')).toHaveCount(0);
    await expect(page.locator('button.make-default')).toHaveCount(0);
    await page.goto(`${WARDEN_URL}/policies/${POLICY}/edit`);
    await expect(page.locator('#no-access')).toBeVisible();
    await expect(page.locator('#policy-editor')).toHaveCount(0);

    await switchUser(page, 'onboarder');
    await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Policies' })).toHaveCount(0);
    await page.goto(`${WARDEN_URL}/policies`);
    await expect(page.locator('#no-access')).toBeVisible();
    await expect(page.locator('#policies-table')).toHaveCount(0);
  });

  test('the policies list and a policy page read without JavaScript', { tag: '@nojs' }, async ({ page }) => {
    await login(page, 'admin');
    await page.goto(`${WARDEN_URL}/policies`);
    await expect(page.locator(`tr[data-policy="${POLICY}"]`)).toBeVisible();
    await page.goto(`${WARDEN_URL}/policies/${POLICY}`);
    await expect(page.locator('article.version[data-default="true"] pre.policy-document')).toContainText('iot:Connect');
    await expect(page.locator('#targets-table')).toContainText('sensor-001');
  });
});

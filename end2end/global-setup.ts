import type { FullConfig } from '@playwright/test';
import { IDP_URL, WARDEN_URL } from './tests/env';

/**
 * Fails fast, with a message saying what to do, when the console (or its IdP) is not up.
 * Starting them is NOT this suite's job: the top-level test script does it before Playwright.
 */

async function probe(url: string): Promise<{ ok: boolean; detail: string }> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    return { ok: res.status === 200, detail: `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { ok: false, detail: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

export default async function globalSetup(_config: FullConfig): Promise<void> {
  const health = await probe(`${WARDEN_URL}/healthz`);
  if (!health.ok) {
    throw new Error(
      `IoT Warden console is not answering: GET ${WARDEN_URL}/healthz -> ${health.detail}.\n` +
        `The end-to-end suite does not start anything itself. Start the local stack and the ` +
        `console first (the top-level test script does this), or point WARDEN_URL at a running console.`,
    );
  }
  const discovery = await probe(`${IDP_URL}/.well-known/openid-configuration`);
  if (!discovery.ok) {
    throw new Error(
      `IdP is not answering: GET ${IDP_URL}/.well-known/openid-configuration -> ${discovery.detail}.\n` +
        `Start the local stack (stack/start.sh) first, or set IDP_URL to where the IdP runs.`,
    );
  }
}

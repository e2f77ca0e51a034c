import { defineConfig } from '@playwright/test';
import { WARDEN_URL } from './tests/env';

/**
 * End-to-end tests for the IoT Warden console.
 *
 * The local stack (moto + IdP) and the console are started by the top-level test script
 * BEFORE Playwright runs; this config deliberately has no `webServer`. global-setup.ts fails
 * fast with a clear message when WARDEN_URL does not answer /healthz.
 *
 * Browsers: Playwright cannot download its own here, so Debian's chromium is used
 * (scripts/install-tools.sh installs it). Override with CHROMIUM_PATH if needed.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: require.resolve('./global-setup'),
  fullyParallel: false,
  workers: 1, // 2-core machine; the console, moto and the IdP share it
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  globalTimeout: 20 * 60_000,
  expect: { timeout: 10_000 },
  outputDir: './test-results',
  use: {
    baseURL: WARDEN_URL,
    headless: true,
    actionTimeout: 10_000,
    navigationTimeout: 20_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
      ],
    },
  },
  projects: [
    {
      // Full experience: SSR + WASM hydration. Runs every test.
      name: 'hydrated',
      use: { javaScriptEnabled: true },
    },
    {
      // Progressive enhancement: the server-rendered HTML alone must work.
      // Runs only tests tagged @nojs.
      name: 'no-js',
      grep: /@nojs/,
      use: { javaScriptEnabled: false },
    },
  ],
});

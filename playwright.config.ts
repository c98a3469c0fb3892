import { defineConfig } from '@playwright/test';

// Browser launch (Debian Chromium + Web Bluetooth flags) lives in tests/e2e/support/browser.ts,
// so specs import `test` from there. Add `webServer` and `use.baseURL` here for the built app.
export default defineConfig({
  testDir: 'tests/e2e',
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
});

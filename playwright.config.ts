import { defineConfig } from '@playwright/test';

// The SDK's notice that its 2027 releases need Node 22 does not apply to the pinned versions; keep logs readable.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// Browser launch (Debian Chromium + Web Bluetooth flags, from scripts/chromium-launch.ts) lives in
// tests/e2e/support/browser.ts, and the built app on a whole embedded stack in tests/e2e/support/app.ts:
// specs import `test` from there.
export default defineConfig({
  testDir: 'tests/e2e',
  workers: 2,
  retries: 0,
  reporter: 'list',
  timeout: 30_000,
});

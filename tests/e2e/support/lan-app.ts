/**
 * Fixtures for the embedded stack in LAN mode (docs/using.md, "On your phone at home"): the built app served over
 * HTTPS on 127.0.0.2 (a loopback address standing in for the LAN one, so tests never listen on the network) with
 * the generated certificate, beside the usual loopback server; and a Chromium that trusts the generated CA through
 * its own option, with no change to the system:
 *
 *   import { test, expect, LAN_HOST } from './support/lan-app.ts';
 *   test('…', async ({ lanStack, page, lanUrl }) => { await page.goto(lanUrl); … });
 *
 * `--ignore-certificate-errors-spki-list` takes the base64 SHA-256 of a public key in the chain the server sends
 * (the stack sends its CA with the leaf) and is honoured only with a user data dir, which Playwright's launch
 * passes. `--host-resolver-rules` makes the certificate's local host name resolve to 127.0.0.2.
 */
import type { Browser } from '@playwright/test';
import { test as sensorTest, chromiumPath, launchArgs } from './browser.ts';
import { withBuiltAppStack } from './app.ts';
import type { LocalStack } from '../../../infra/local/local-stack.ts';

export { expect } from './browser.ts';

/** The host name the server certificate names beside the address; it resolves to 127.0.0.2 in the fixtures' browsers. */
export const LAN_HOST = 'liveheartrate-test.local';
const LAN_ADDRESS = '127.0.0.2';

/** Chromium's flags for a browser that can reach LAN_HOST, and trusts the CA with this SPKI hash if one is given. */
export function lanBrowserArgs(caSpkiSha256?: string): string[] {
  const trust = caSpkiSha256 === undefined ? [] : [`--ignore-certificate-errors-spki-list=${caSpkiSha256}`];
  return [...launchArgs, `--host-resolver-rules=MAP ${LAN_HOST} ${LAN_ADDRESS}`, ...trust];
}

export type LanStack = LocalStack & { lan: NonNullable<LocalStack['lan']> };

interface LanFixtures {
  /** A whole embedded stack in LAN mode with a generated CA, one per worker. */
  lanStack: LanStack;
}

interface LanTestFixtures {
  /** The HTTPS app by the certificate's host name: `https://liveheartrate-test.local:<port>/`. */
  lanUrl: string;
}

export const test = sensorTest.extend<LanTestFixtures, LanFixtures>({
  lanStack: [
    async ({}, use) => {
      await withBuiltAppStack('lhr-e2e-lan-', { lan: { addresses: [LAN_ADDRESS], httpsPort: 0, setupPort: 0, hostName: LAN_HOST } }, async (stack) => {
        if (!stack.lan?.caSpkiSha256) throw new Error('The LAN stack reported no generated CA');
        await use(stack as LanStack);
      });
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  // Every page of these tests trusts the stack's CA, as a phone does once the certificate is installed.
  browser: [
    async ({ playwright, lanStack }, use) => {
      const browser: Browser = await playwright.chromium.launch({ executablePath: chromiumPath(), args: lanBrowserArgs(lanStack.lan.caSpkiSha256) });
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  lanUrl: async ({ lanStack }, use) => {
    await use(`https://${LAN_HOST}:${new URL(lanStack.lan.appUrl).port}/`);
  },
});

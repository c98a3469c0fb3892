import AxeBuilder from '@axe-core/playwright';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page, Response, TestInfo } from '@playwright/test';
import { test, expect, lanBrowserArgs } from './support/lan-app.ts';
import { chromiumPath } from './support/browser.ts';
import { waitForActiveWorker } from './support/service-worker.ts';

// LAN mode (issue 15) end to end: the built app on the embedded stack, over TLS with the generated certificate, in
// a Chromium that trusts the generated CA through its own option (support/lan-app.ts). 127.0.0.0/8 is a secure
// context even over plain HTTP, so every test asserts TLS itself: the document's security details and the
// page's own `location.protocol`.

/** The common name of the stack's generated CA, as Chromium reports a certificate's issuer. */
async function caCommonName(caCertPath: string | undefined): Promise<string> {
  if (caCertPath === undefined) throw new Error('The LAN stack reported no CA certificate');
  const subject = new X509Certificate(await readFile(caCertPath)).subject;
  const cn = /^CN=(.+)$/m.exec(subject)?.[1];
  if (cn === undefined) throw new Error(`The CA certificate's subject has no CN: ${subject}`);
  return cn;
}

async function expectTls(page: Page, response: Response | null, issuer: string): Promise<void> {
  const details = await response?.securityDetails();
  expect(details?.issuer).toBe(issuer);
  expect(details?.protocol).toMatch(/^TLS 1\.[23]$/);
  expect(await page.evaluate(() => location.protocol)).toBe('https:');
}

/** Every WCAG 2.1 A/AA violation axe finds inside one element, of any impact. */
async function violationsIn(page: Page, selector: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).include(selector).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations.map((v) => `${v.impact ?? 'unknown'}: ${v.id}`);
}

/** The same, in the light and the dark scheme (the page follows the system's). */
async function violationsInBothSchemes(page: Page, selector: string): Promise<string[]> {
  const found: string[] = [];
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await page.evaluate((scheme) => matchMedia(`(prefers-color-scheme: ${scheme})`).matches, colorScheme)).toBe(true);
    found.push(...(await violationsIn(page, selector)).map((v) => `${colorScheme} ${v}`));
  }
  await page.emulateMedia({ colorScheme: null });
  return found;
}

/** Saved in the test's output folder (test-results/) to be looked at by hand; nothing is compared with it. */
async function keepScreenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path });
  await testInfo.attach(name, { path, contentType: 'image/png' });
}

test.describe('LAN mode over TLS', () => {
  test('a phone that trusts the CA installs the app, pairs, broadcasts, and a viewer follows the share link', async ({ lanStack, lanUrl, page, sensor, browser }) => {
    // Prepare
    const issuer = await caCommonName(lanStack.lan.caCertPath);
    const shareOrigin = lanStack.lan.appUrl;
    // Act: the broadcaster's page over HTTPS by the host name
    const response = await page.goto(lanUrl);
    // Assess
    await expectTls(page, response, issuer);
    expect(await waitForActiveWorker(page)).toBe('activated');
    // Act: pair the emulated strap and broadcast
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.waitForSubscription();
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    await sensor.notify([0x00, 77]);
    await expect(page.getByTestId('bpm')).toHaveText('77');
    const link = await page.getByTestId('share-link').inputValue();
    // Assess: the link is on the LAN origin; the phone's own page offers no phone card and no trust notice
    expect(link).toMatch(new RegExp(`^${shareOrigin.replaceAll('.', '\\.')}/v/[A-Za-z0-9_-]{22}$`));
    await expect(page.getByTestId('phone-card')).toHaveCount(0);
    await expect(page.getByTestId('trust-notice')).toHaveCount(0);
    // Act: a second device opens the link
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    const viewerResponse = await viewer.goto(link);
    // Assess: it follows the readings, over TLS too, until the broadcast stops
    await expectTls(viewer, viewerResponse, issuer);
    await expect(viewer.getByTestId('bpm')).toHaveText('77');
    await sensor.notify([0x00, 81]);
    await expect(viewer.getByTestId('bpm')).toHaveText('81');
    await page.getByRole('button', { name: 'Stop broadcast' }).click();
    await expect(viewer.getByTestId('viewer-status')).toHaveText('Session ended', { timeout: 10_000 });
    await viewerContext.close();
  });

  test('the laptop’s loopback page shows the phone card, and its share link is on the LAN origin', async ({ lanStack, page }, testInfo) => {
    // Prepare
    const { appUrl, setupUrl } = lanStack.lan;
    await page.setViewportSize({ width: 1280, height: 900 });
    // Act
    await page.goto(lanStack.appUrl);
    const card = page.getByTestId('phone-card');
    // Assess: the card links the setup page and the HTTPS app, and draws the setup page's QR code
    await expect(card.getByRole('heading', { name: 'Use your phone' })).toBeVisible();
    await expect(card.getByTestId('phone-setup-link')).toHaveAttribute('href', setupUrl);
    await expect(card.getByTestId('phone-app-link')).toHaveAttribute('href', `${appUrl}/`);
    await expect(card.getByRole('figure', { name: `QR code of the setup page, ${setupUrl}` }).locator('svg')).toBeVisible();
    expect(await violationsInBothSchemes(page, '[data-testid="phone-card"]')).toEqual([]);
    await keepScreenshot(page, testInfo, 'phone-card-1280x900');
    // Act: a share link made here
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    // Assess: share and overlay links are on the LAN origin; the overlay's preview stays on this page's own origin,
    // the only one the policy lets the app frame
    const onLan = new RegExp(`^${appUrl.replaceAll('.', '\\.')}/v/[A-Za-z0-9_-]{22}`);
    await expect(page.getByTestId('share-link')).toHaveValue(new RegExp(`${onLan.source}$`));
    await expect(page.getByTestId('overlay-url')).toHaveValue(onLan);
    await expect(page.getByTestId('overlay-preview')).toHaveAttribute('src', new RegExp(`^${lanStack.appUrl}/v/`));
    await expect(page.frameLocator('[data-testid="overlay-preview"]').getByTestId('overlay')).toBeVisible();
    // Act: the group page on loopback, for this session
    const viewId = new URL(await page.getByTestId('share-link').inputValue()).pathname.split('/')[2];
    await page.goto(`${lanStack.appUrl}/g?v=${viewId}`);
    // Assess
    await expect(page.getByTestId('group-link')).toHaveText(`${appUrl}/g?v=${viewId}`);
    // The setup page the card points to answers (plain HTTP, on the LAN address)
    const setup = await page.request.get(setupUrl);
    expect(setup.status()).toBe(200);
  });

  test('a device that does not trust the CA is stopped by the browser, and past the warning the app says how to trust it', async ({ lanStack, lanUrl, playwright }, testInfo) => {
    // Prepare: a browser without the trust option, as a phone before the certificate is installed
    const browser = await playwright.chromium.launch({ executablePath: chromiumPath(), args: lanBrowserArgs() });
    // A context of its own: axe needs one (it opens a page beside this one).
    const page = await (await browser.newContext({ viewport: { width: 390, height: 844 } })).newPage();
    try {
      // Act
      const refused = await page.goto(lanUrl).then(
        () => 'loaded',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      // Assess
      expect(refused).toContain('net::ERR_CERT_AUTHORITY_INVALID');
      // Act: click through Chromium's warning as a person can ("Advanced", then "Proceed to … (unsafe)"); these ids
      // are Chromium's interstitial's own
      await page.locator('#details-button').click();
      await page.locator('#proceed-link').click();
      // Assess: the app loaded over HTTPS, its service worker was refused, and it says why and what to do
      const notice = page.getByTestId('trust-notice');
      await expect(notice).toBeVisible();
      expect(await page.evaluate(() => location.protocol)).toBe('https:');
      await expect(notice).toHaveAttribute('role', 'alert');
      await expect(notice.getByRole('heading')).toHaveText('This device doesn’t trust this computer’s certificate yet');
      await expect(notice.getByTestId('trust-setup-link')).toHaveAttribute('href', lanStack.lan.setupUrl);
      await expect(page.getByTestId('phone-card')).toHaveCount(0);
      expect(await violationsInBothSchemes(page, '[data-testid="trust-notice"]')).toEqual([]);
      await keepScreenshot(page, testInfo, 'trust-notice-390x844');
    } finally {
      await browser.close();
    }
  });
});

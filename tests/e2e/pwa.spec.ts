import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, expect } from './support/app.ts';
import { startAppServer, type AppServer } from '../../infra/local/static-server.ts';
import type { Page } from '@playwright/test';
import { waitForActiveWorker, waitUntilControlled } from './support/service-worker.ts';

test.describe('installable PWA', () => {
  test('has a valid manifest with icons and an active service worker', async ({ page, stack, request }) => {
    // Prepare
    await page.goto(stack.appUrl);
    // Act
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    const manifestResponse = await request.get(new URL(href ?? '', stack.appUrl).toString());
    const manifest = (await manifestResponse.json()) as { name: string; start_url: string; display: string; icons: { src: string; sizes: string; purpose?: string }[] };
    // Assess
    expect(manifestResponse.headers()['content-type']).toContain('application/manifest+json');
    expect(manifest.name).toBe('liveheartrate');
    expect(manifest.display).toBe('standalone');
    expect(manifest.start_url).toBe('/');
    expect(manifest.icons.map((i) => i.sizes)).toEqual(expect.arrayContaining(['192x192', '512x512']));
    expect(manifest.icons.some((i) => i.purpose === 'maskable')).toBe(true);
    for (const icon of manifest.icons) {
      const response = await request.get(new URL(icon.src, stack.appUrl).toString());
      expect(response.status()).toBe(200);
      expect(response.headers()['content-type']).toBe('image/png');
    }
    expect(await waitForActiveWorker(page)).toBe('activated');
  });

  test('runs under the same content security policy as in AWS, with no violation', async ({ page, stack, browser }) => {
    // Prepare: record every violation the browser reports, on the broadcaster and on a viewer page
    const recordViolations = () => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    };
    await page.addInitScript(recordViolations);
    const violations = (p: Page) => p.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    // Act: the parts that draw dynamic styles, SVG and charts, and the uplink's calls to the stream. The
    // broadcast starts before the sensor connects: once a first reading has started it, the button is gone,
    // and how soon that happens depends on the machine's load.
    const response = await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    const shareLink = page.getByTestId('share-link');
    await expect(shareLink).toHaveValue(/\/v\/[\w-]{22}$/);
    await page.getByRole('button', { name: 'Try the demo sensor' }).click();
    await expect(page.getByTestId('stat-count')).not.toHaveText('0', { timeout: 10_000 });
    await expect(page.getByTestId('uplink-last-ack')).not.toHaveText(/not yet/, { timeout: 15_000 });
    const viewer = await (await browser.newContext()).newPage();
    await viewer.addInitScript(recordViolations);
    await viewer.goto(await shareLink.inputValue());
    await expect(viewer.getByTestId('viewer-status')).toHaveText('Live', { timeout: 10_000 });
    // Assess
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(await violations(page)).toEqual([]);
    expect(await violations(viewer)).toEqual([]);
    await viewer.context().close();
  });

  test('loads offline after a first visit', async ({ page, stack, context }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await waitUntilControlled(page);
    // Act
    await context.setOffline(true);
    await page.reload();
    // Assess: the shell renders and works (the demo sensor needs no network)
    await expect(page.getByRole('heading', { name: /liveheartrate/ })).toBeVisible();
    await page.getByRole('button', { name: 'Try the demo sensor' }).click();
    await expect(page.getByTestId('stat-count')).not.toHaveText('0', { timeout: 5_000 });
    await context.setOffline(false);
  });

  test.describe('a new version', () => {
    let dist: string;
    let server: AppServer;

    test.beforeEach(async ({ stack }) => {
      dist = await mkdtemp(join(tmpdir(), 'lhr-dist-'));
      await cp('dist', dist, { recursive: true });
      server = await startAppServer({ port: 0, distDir: dist, config: stack.config });
    });

    test.afterEach(async () => {
      await server.stop();
      await rm(dist, { recursive: true, force: true });
    });

    test('is offered with an update prompt and taken on reload', async ({ page }) => {
      // Prepare
      await page.goto(server.url);
      await waitUntilControlled(page);
      await expect(page.getByTestId('update-prompt')).toHaveCount(0);
      // Act: deploy a new version (a changed service worker) and let the page look for it
      const sw = join(dist, 'sw.js');
      await writeFile(sw, `${await readFile(sw, 'utf8')}\n// next version\n`);
      await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.update());
      // Assess
      await expect(page.getByTestId('update-prompt')).toBeVisible({ timeout: 10_000 });
      const reloaded = page.waitForEvent('load');
      await page.getByRole('button', { name: 'Reload to update' }).click();
      await reloaded;
      await expect(page.getByRole('heading', { name: /liveheartrate/ })).toBeVisible();
      await expect(page.getByTestId('update-prompt')).toHaveCount(0);
      expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
    });
  });
});

import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect, type EmulatedHeartRateSensor } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';
import { openViewerWithSharedHighAlert } from './support/shared-alert-viewer.ts';

// axe-core's WCAG 2.0/2.1 A and AA rules on every page and state of the broadcaster and viewer pages, at a
// phone's and a laptop's size, in the dark and the light scheme. A serious or critical violation fails the
// suite (docs/testing.md "Accessibility"). The overlays, their builder and the group view have blocks of their own below, in both schemes too.
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1280, height: 900 },
] as const;
const SCHEMES = ['dark', 'light'] as const;

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function pair(page: Page, sensor: EmulatedHeartRateSensor): Promise<void> {
  await page.getByRole('button', { name: /Connect sensor|Reconnect Emulated HRM/ }).first().click();
  await sensor.waitForSubscription();
  await expect(page.getByTestId('sensor-status')).toHaveText(/Live/);
}

for (const scheme of SCHEMES) {
  for (const size of SIZES) {
    test.describe(`accessibility at ${size.width}×${size.height}, ${scheme} scheme`, () => {
      test.use({ colorScheme: scheme, viewport: { width: size.width, height: size.height } });

      test('broadcaster page: idle, live with the demo sensor, a link with an expiry, a link turned off', async ({ page, stack }) => {
        // Prepare / Act
        await page.goto(stack.appUrl);
        await expect(page.getByRole('button', { name: 'Start broadcast' })).toBeVisible();

        // Assess: idle, in the scheme asked for (the page's background is that scheme's token)
        const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
        expect(background).toBe(scheme === 'light' ? 'rgb(244, 245, 247)' : 'rgb(15, 17, 21)');
        expect(await seriousViolations(page)).toEqual([]);

        // Act: live; broadcasting starts with the first reading
        await page.getByRole('button', { name: 'Try the demo sensor' }).click();
        await expect(page.getByTestId('stat-count')).not.toHaveText('0');
        await expect(page.getByTestId('share-link')).toBeVisible();
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: sharing with an expiry set
        await page.getByRole('button', { name: 'in 1 hour' }).click();
        await expect(page.getByTestId('link-expiry')).toBeVisible();
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: the link turned off
        await page.getByRole('button', { name: 'Turn off link' }).click();
        await expect(page.getByTestId('link-off')).toBeVisible();
        expect(await seriousViolations(page)).toEqual([]);
      });

      test('broadcaster page: alert rules set and an alert firing, then the sensor lost and reconnecting', async ({ page, stack, sensor }) => {
        // Prepare
        await page.goto(stack.appUrl);
        await pair(page, sensor);
        await page.getByTestId('alerts-enabled').check();
        await page.getByTestId('rule-high-bpm').fill('150');
        await page.getByTestId('rule-high-for').fill('0');
        await page.getByTestId('alert-save').click();
        await expect(page.getByTestId('alert-rules-message')).toHaveText('Rules saved.');

        // Act / Assess: an alert firing
        await sensor.notify([0x00, 163]);
        await expect(page.getByTestId('alert-high')).toBeVisible();
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: the sensor drops out and cannot be reached for now
        sensor.failNextConnections(1000);
        await sensor.disconnect();
        await expect(page.getByTestId('sensor-status')).toHaveText('Reconnecting…');
        expect(await seriousViolations(page)).toEqual([]);
      });

      test('history: the list, a session opened, and its export panel after an export', async ({ page, stack, sensor }) => {
        // Prepare: one recorded session; exports take the download path (no native dialog to answer headless)
        await page.addInitScript(() => {
          delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
          Object.defineProperty(navigator, 'canShare', { value: undefined });
        });
        await page.goto(stack.appUrl);
        await pair(page, sensor);
        for (const [i, bpm] of [70, 90, 110].entries()) {
          await sensor.notify([0x00, bpm]);
          await expect(page.getByTestId('stat-count')).toHaveText(String(i + 1));
        }
        await page.getByRole('button', { name: 'Disconnect' }).click();
        await expect(page.getByTestId('history-count')).toHaveText('3');

        // Assess: the list
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: the detail, then an export's result shown
        await page.getByTestId('history-open').click();
        await expect(page.getByTestId('session-detail').getByTestId('detail-max')).toHaveText('110');
        expect(await seriousViolations(page)).toEqual([]);
        const download = page.waitForEvent('download');
        await page.getByTestId('export-csv').click();
        await download;
        await expect(page.getByTestId('export-status')).toContainText('saved to your downloads');
        expect(await seriousViolations(page)).toEqual([]);
      });

      test('viewer page: live, no data, ended, and an unknown link', async ({ page, stack }) => {
        // Prepare
        const broadcast = createTestBroadcast(stack.kinesisEndpoint);
        await broadcast.send(70, 72);
        await page.clock.install();

        // Act / Assess: live
        await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
        await expect(page.getByTestId('bpm')).toHaveText('72');
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: no data for a while (the page's clock, so no real wait)
        await page.clock.fastForward(10_000);
        await expect(page.getByTestId('viewer-status')).toHaveText(/No data for \d+ s/);
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: the broadcaster stops
        await broadcast.control({ end: true });
        await expect(page.getByTestId('viewer-status')).toHaveText('Session ended', { timeout: 15_000 });
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: a link nobody shared
        await page.goto(`${stack.appUrl}/v/AAAAAAAAAAAAAAAAAAAAAA`);
        await expect(page.getByTestId('viewer-status')).toHaveText('Unknown link');
        expect(await seriousViolations(page)).toEqual([]);
      });

      test('viewer page: a shared alert active, then the link turned off', async ({ page, stack }) => {
        // Prepare
        const broadcast = await openViewerWithSharedHighAlert(page, stack);

        // Act / Assess: the broadcaster's alert
        await broadcast.send(160);
        await expect(page.getByRole('alert')).toContainText("Broadcaster's alert");
        expect(await seriousViolations(page)).toEqual([]);

        // Act / Assess: turned off
        await broadcast.control({ exp: Date.now() - 1 });
        await broadcast.send(99);
        await expect(page.getByTestId('viewer-status')).toHaveText('This link was turned off', { timeout: 10_000 });
        expect(await seriousViolations(page)).toEqual([]);
      });

      test('viewer page: an expired link', async ({ page, stack }) => {
        // Prepare: the link expires in a minute; the page's clock is Playwright's
        const broadcast = createTestBroadcast(stack.kinesisEndpoint);
        await broadcast.control({ exp: Date.now() + 60_000 });
        await broadcast.send(77);
        await page.clock.install();
        await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
        await expect(page.getByTestId('bpm')).toHaveText('77');

        // Act
        await page.clock.fastForward(61_000);

        // Assess
        await expect(page.getByTestId('viewer-status')).toHaveText('This link has expired');
        expect(await seriousViolations(page)).toEqual([]);
      });
    });
  }
}

// Overlays for streaming and their builder (issue 13): the builder on the broadcaster page, and one overlay of
// each style as a browser source shows it.
for (const [scheme, size] of SCHEMES.flatMap((s) => SIZES.map((z) => [s, z] as const))) {
  test.describe(`accessibility of overlays at ${size.width}×${size.height}, ${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });
    test.beforeEach(async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
    });

    test('overlay builder, without and with a share link', async ({ page, stack }) => {
      // Prepare / Act
      await page.goto(stack.appUrl);
      await expect(page.getByTestId('overlay-needs-link')).toBeVisible();
      // Assess: no link yet
      expect(await seriousViolations(page)).toEqual([]);
      // Act: a link, and the graph's extra control
      await page.getByRole('button', { name: 'Start broadcast' }).click();
      await page.getByTestId('overlay-builder').getByRole('radio', { name: 'Graph' }).check();
      await expect(page.getByTestId('overlay-builder').getByLabel('Graph minutes')).toBeVisible();
      // Assess
      expect(await seriousViolations(page)).toEqual([]);
    });

    for (const style of ['number', 'heart', 'graph', 'zone']) {
      test(`overlay: ${style}`, async ({ page, stack }) => {
        // Prepare
        const broadcast = createTestBroadcast(stack.kinesisEndpoint);
        await broadcast.send(150, 152);
        // Act
        await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=${style}`);
        await expect(page.getByTestId('bpm')).toHaveText('152');
        // Assess
        expect(await seriousViolations(page)).toEqual([]);
      });
    }
  });
}

// The group page (issue 13): empty, with tiles, and in large type for a TV, at both sizes.
for (const [scheme, size] of SCHEMES.flatMap((s) => SIZES.map((z) => [s, z] as const))) {
  test.describe(`accessibility of the group page at ${size.width}×${size.height}, ${scheme} scheme`, () => {
    test.use({ colorScheme: scheme });
    test.beforeEach(async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
    });

    test('group page, empty, with tiles and in large type', async ({ page, stack }) => {
      // Prepare
      const named = createTestBroadcast(stack.kinesisEndpoint);
      const unnamed = createTestBroadcast(stack.kinesisEndpoint);
      await named.control({ name: 'Ann <b>Lee</b>', maxHr: 185 });
      await named.send(150);
      await unnamed.send(95);

      // Act / Assess: empty
      await page.goto(`${stack.appUrl}/g`);
      await expect(page.getByTestId('group-empty')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);

      // Act / Assess: with tiles
      await page.goto(`${stack.appUrl}/g?v=${named.viewId},${unnamed.viewId}`);
      await expect(page.getByTestId('tile-bpm')).toHaveText(['150', '95']);
      expect(await seriousViolations(page)).toEqual([]);

      // Act / Assess: large type
      await page.getByTestId('large-toggle').click();
      await expect(page.locator('html')).toHaveClass(/large/);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}

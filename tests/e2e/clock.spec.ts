// A broadcaster whose clock is set wrong, on the whole embedded pipeline: the page's clock is moved with
// Playwright's clock (installed, so time still flows and timers still fire), the viewer's and the server's are not.
import { test, expect } from './support/app.ts';
import type { Page } from '@playwright/test';
import type { ReadingsBody } from '../../src/core/live-api-types.ts';

const TEN_MINUTES = 10 * 60_000;
// The correction is exact to about a round trip plus the Date header's one second; ten minutes off is far outside.
const TIME_TOLERANCE_MS = 5_000;

const viewerStatus = (page: Page) => page.getByTestId('viewer-status');
const confirmation = (page: Page) => page.getByTestId('control-confirmation');

for (const [name, skewMs] of [
  ['10 minutes fast', TEN_MINUTES],
  ['10 minutes slow', -TEN_MINUTES],
] as const) {
  test.describe(`a broadcaster page ${name}`, () => {
    test.beforeEach(async ({ context }) => {
      await context.clock.install({ time: Date.now() + skewMs });
    });

    test('reaches its viewer, with reading times in server time', async ({ page, stack, sensor, browser }) => {
      // Prepare
      await page.goto(stack.appUrl);
      expect(Math.abs((await page.evaluate(() => Date.now())) - Date.now() - skewMs)).toBeLessThan(TIME_TOLERANCE_MS);
      await page.getByRole('button', { name: 'Connect sensor' }).click();
      await sensor.waitForSubscription();
      await page.getByRole('button', { name: 'Start broadcast' }).click();
      const link = await page.getByTestId('share-link').inputValue();
      const viewerContext = await browser.newContext();
      const viewer = await viewerContext.newPage();
      await viewer.goto(link);
      // Act
      await sensor.notify([0x00, 83]);
      // Assess
      await expect(viewer.getByTestId('bpm')).toHaveText('83');
      await expect(viewerStatus(viewer)).toHaveText('Live');
      const viewId = link.split('/').at(-1) as string;
      const body = (await (await fetch(`${stack.apiUrl}/sessions/${viewId}/readings`)).json()) as ReadingsBody;
      expect(body.readings.map((r) => r.bpm)).toEqual([83]);
      expect(Math.abs((body.readings[0]?.t ?? 0) - body.serverTime)).toBeLessThan(TIME_TOLERANCE_MS);
      await viewerContext.close();
    });

    test('turns its link off: pending, then confirmed, and the viewer sees it off', async ({ page, context, stack, sensor, browser }) => {
      // Prepare
      await page.goto(stack.appUrl);
      await page.getByRole('button', { name: 'Start broadcast' }).click();
      const link = await page.getByTestId('share-link').inputValue();
      await page.getByRole('button', { name: 'Connect sensor' }).click();
      await sensor.waitForSubscription();
      await sensor.notify([0x00, 72]);
      const viewerContext = await browser.newContext();
      const viewer = await viewerContext.newPage();
      await viewer.goto(link);
      await expect(viewer.getByTestId('bpm')).toHaveText('72');
      // Act: offline first, so the record waits in the outbox and the app cannot confirm it yet.
      await context.setOffline(true);
      await page.getByRole('button', { name: 'Turn off link' }).click();
      // Assess
      await expect(confirmation(page)).toHaveAttribute('data-phase', 'unconfirmed');
      await expect(confirmation(page)).toHaveText(/^Not confirmed yet/);
      await expect(viewerStatus(viewer)).toHaveText('Live');
      await context.setOffline(false);
      await expect(confirmation(page)).toHaveAttribute('data-phase', 'confirmed', { timeout: 15_000 });
      await expect(confirmation(page)).toHaveText(/^Link turned off: confirmed by the server/);
      await expect(viewerStatus(viewer)).toHaveText('This link was turned off', { timeout: 10_000 });
      // A link that is off stays off: the app offers a new link, not an expiry for this one.
      await expect(page.getByRole('button', { name: 'in 1 hour' })).toHaveCount(0);
      await page.getByRole('button', { name: 'New link' }).click();
      await expect(page.getByTestId('share-link')).not.toHaveValue(link);
      await expect(confirmation(page)).toHaveCount(0);
      await viewerContext.close();
    });

    test('stops its broadcast: confirmed by the server, and the viewer sees it end', async ({ page, stack, sensor, browser }) => {
      // Prepare
      await page.goto(stack.appUrl);
      await page.getByRole('button', { name: 'Connect sensor' }).click();
      await sensor.waitForSubscription();
      await page.getByRole('button', { name: 'Start broadcast' }).click();
      const link = await page.getByTestId('share-link').inputValue();
      await sensor.notify([0x00, 91]);
      const viewerContext = await browser.newContext();
      const viewer = await viewerContext.newPage();
      await viewer.goto(link);
      await expect(viewer.getByTestId('bpm')).toHaveText('91');
      // Act
      await page.getByRole('button', { name: 'Stop broadcast' }).click();
      // Assess
      await expect(confirmation(page)).toHaveAttribute('data-phase', 'confirmed', { timeout: 15_000 });
      await expect(confirmation(page)).toHaveRole('status');
      await expect(viewerStatus(viewer)).toHaveText('Session ended', { timeout: 10_000 });
      await viewerContext.close();
    });
  });
}

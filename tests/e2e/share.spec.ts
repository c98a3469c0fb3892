import { test, expect } from './support/app.ts';
import { runLatencyScenario } from './support/latency-scenario.ts';
import type { Page } from '@playwright/test';

const viewerStatus = (page: Page) => page.getByTestId('viewer-status');

test.describe('share a live session', () => {
  test('start, share by link and QR code, then stop: the viewer sees it end', async ({ page, stack, sensor, browser }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.waitForSubscription();
    // Act
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    await sensor.notify([0x00, 88]);
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(link);
    // Assess
    expect(link).toMatch(new RegExp(`^${stack.appUrl}/v/[A-Za-z0-9_-]{22}$`));
    await expect(page.getByRole('figure', { name: 'QR code of the share link' }).locator('svg')).toBeVisible();
    await expect(viewer.getByTestId('bpm')).toHaveText('88');
    await expect(viewerStatus(viewer)).toHaveText('Live');
    await page.getByRole('button', { name: 'Stop broadcast' }).click();
    await expect(viewerStatus(viewer)).toHaveText('Session ended', { timeout: 10_000 });
    // Stopped: readings stay on this device; a new broadcast gets a new link
    await expect(page.getByRole('button', { name: 'Start broadcast' })).toBeVisible();
    await sensor.notify([0x00, 90]);
    await expect(page.getByTestId('bpm')).toHaveText('90');
    await expect(viewer.getByTestId('bpm')).toHaveText('88');
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    expect(await page.getByTestId('share-link').inputValue()).not.toBe(link);
    await viewerContext.close();
  });

  test('turning the link off stops the viewer at once', async ({ page, stack, sensor, browser }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    const link = await page.getByTestId('share-link').inputValue();
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.notify([0x00, 70]);
    const viewerContext = await browser.newContext();
    const viewer = await viewerContext.newPage();
    await viewer.goto(link);
    await expect(viewer.getByTestId('bpm')).toHaveText('70');
    // Act
    await page.getByRole('button', { name: 'Turn off link' }).click();
    await sensor.notify([0x00, 71]);
    // Assess
    await expect(viewerStatus(viewer)).toHaveText('This link was turned off', { timeout: 10_000 });
    await expect(page.getByTestId('link-off')).toBeVisible();
    await expect(page.getByTestId('share-qr')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Copy link' })).toHaveCount(0);
    await expect(viewer.getByText('71')).toHaveCount(0);
    await viewerContext.close();
  });

  test('an expiry can be set and is shown to the broadcaster', async ({ page, stack }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    // Act
    await page.getByRole('button', { name: 'in 1 hour' }).click();
    // Assess
    await expect(page.getByTestId('link-expiry')).toHaveText(/^Expires /);
    await expect(page.getByTestId('share-message')).toHaveText(/Link expires at/);
  });

  test('on a phone, connecting, broadcasting and sharing come before the statistics', async ({ page, stack }) => {
    // Prepare
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(stack.appUrl);
    // Act
    const connect = page.getByRole('button', { name: 'Connect sensor' });
    const start = page.getByRole('button', { name: 'Start broadcast' });
    await expect(connect).toBeInViewport();
    await expect(start).toBeInViewport();
    await start.click();
    // Assess: the link and the controls that end sharing are above the chart and the statistics
    await expect(page.getByTestId('share-link')).toBeInViewport();
    const top = async (locator: ReturnType<Page['getByRole']>) => (await locator.boundingBox())?.y ?? Number.NaN;
    const stop = await top(page.getByRole('button', { name: 'Stop broadcast' }));
    expect(stop).toBeLessThan(await top(page.getByRole('heading', { name: 'Session', exact: true })));
    expect(stop).toBeLessThan(await top(page.getByRole('heading', { name: 'Statistics', exact: true })));
  });

  test('end-to-end latency run: every one of 100 readings is shown on the viewer, in order', async ({ page, stack, sensor, browser }) => {
    // Act
    const run = await runLatencyScenario({ browser, broadcaster: page, sensor, appUrl: stack.appUrl, apiUrl: stack.apiUrl, readings: 100, intervalMs: 50 });
    // Assess: correctness, not time (the benchmark reports the time)
    expect(run.shownOrder).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(run.latenciesMs).toHaveLength(100);
    expect(run.chartPoints).toBe(100);
  });
});

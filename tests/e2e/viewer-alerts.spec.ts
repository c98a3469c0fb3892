import { test, expect } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';
import type { Page } from '@playwright/test';

const banner = (page: Page) => page.getByRole('alert');
const bpm = (page: Page) => page.getByTestId('bpm');

/** Fills the viewer's own thresholds and saves them; an empty value leaves that rule off. */
async function setOwnAlerts(page: Page, fields: { high?: string; low?: string; hold?: string; noData?: string }): Promise<void> {
  await page.getByLabel('High above (bpm)').fill(fields.high ?? '');
  await page.getByLabel('Low below (bpm)').fill(fields.low ?? '');
  await page.getByLabel('For at least (s)').fill(fields.hold ?? '0');
  await page.getByLabel('No data for (s)').fill(fields.noData ?? '');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('own-alerts-status')).toHaveText('Saved in this browser.');
}

test.describe('viewer alerts', () => {
  test("a viewer's own high threshold fires a banner when readings cross it and clears after", async ({ page, stack }, testInfo) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(100);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('100');
    await setOwnAlerts(page, { high: '120' });
    // Nothing alert-related from the broadcaster, who shares no alerts
    await expect(page.getByTestId('shared-rules')).toHaveCount(0);
    await expect(banner(page)).toHaveCount(0);
    // Act
    await broadcast.send(130);
    // Assess
    await expect(banner(page)).toHaveCount(1);
    await expect(banner(page)).toContainText('Your alert');
    await expect(banner(page)).toContainText('Above 120 bpm');
    await expect(banner(page)).toContainText(/130 bpm at \d/);
    await page.setViewportSize({ width: 390, height: 844 });
    // For a person to look at (test-results/ is not committed)
    await page.screenshot({ path: testInfo.outputPath('viewer-alert-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.screenshot({ path: testInfo.outputPath('viewer-alert-1280.png'), fullPage: true });
    await broadcast.send(100);
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByTestId('alert-log').locator('li')).toHaveText([/Your alert: Above 120 bpm — cleared \(100 bpm\)/, /Your alert: Above 120 bpm \(130 bpm\)/]);
  });

  test('the own "no data" rule fires when readings stop', async ({ page, stack }) => {
    // Prepare: the page's clock is Playwright's, so the silence takes no real time
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(70);
    await page.clock.install();
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await setOwnAlerts(page, { noData: '5' });
    await broadcast.send(71);
    await expect(bpm(page)).toHaveText('71');
    await expect(banner(page)).toHaveCount(0);
    // Act
    await page.clock.fastForward(7_000);
    // Assess
    await expect(banner(page)).toContainText('No data for 5 s');
    await expect(banner(page)).toContainText('Your alert');
    await broadcast.send(72);
    await expect(banner(page)).toHaveCount(0);
  });

  test('a revoked link stops alerts and says so', async ({ page, stack }) => {
    // Prepare: an alert on
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(100);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await setOwnAlerts(page, { high: '120' });
    await broadcast.send(130);
    await expect(banner(page)).toHaveCount(1);
    // Act
    await broadcast.control({ exp: Date.now() - 1 });
    await broadcast.send(140);
    // Assess
    await expect(page.getByTestId('alerts-halt')).toHaveText('Alerts stopped: this link was turned off.', { timeout: 10_000 });
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByTestId('alerts-panel')).toHaveCount(0);
  });

  test('the own thresholds survive a reload', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(80);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await setOwnAlerts(page, { high: '150', low: '45', hold: '10', noData: '30' });
    // Act
    await page.reload();
    // Assess
    await expect(page.getByLabel('High above (bpm)')).toHaveValue('150');
    await expect(page.getByLabel('Low below (bpm)')).toHaveValue('45');
    await expect(page.getByLabel('For at least (s)')).toHaveValue('10');
    await expect(page.getByLabel('No data for (s)')).toHaveValue('30');
    // A value outside the strict bounds is refused, and says why
    await page.getByLabel('High above (bpm)').fill('400');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('own-alerts-status')).toHaveText('Not saved: high must be 25 to 250 bpm.');
  });

  test('sound is off until the viewer allows it, and says so', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(80);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(page.getByTestId('sound-state')).toHaveText('Sound off');
    // Act
    await page.getByRole('button', { name: 'Allow sound' }).click();
    // Assess
    await expect(page.getByTestId('sound-state')).toHaveText('Sound on');
    await page.getByRole('button', { name: 'Turn sound off' }).click();
    await expect(page.getByTestId('sound-state')).toHaveText('Sound off');
  });
});

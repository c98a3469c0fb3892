import { test, expect } from './support/app.ts';
import { createTestBroadcast, type TestBroadcast } from './support/stream-writer.ts';
import type { Page } from '@playwright/test';
import type { AlertRule } from '../../src/core/alert-rules.ts';
import type { ReadingsBody } from '../../src/core/live-api-types.ts';

const banner = (page: Page) => page.getByRole('alert');
const bpm = (page: Page) => page.getByTestId('bpm');

/** The broadcaster shares these rules with viewers (or withdraws them), as the app's control record does. */
function shareAlerts(broadcast: TestBroadcast, rules: AlertRule[], share = true): Promise<void> {
  return broadcast.control({ alerts: { share, settings: { rules, hysteresisBpm: 3, repeatAfterS: 0 } } });
}

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

test.describe("the broadcaster's shared alerts on the viewer page", () => {
  test('a reading above the shared high threshold shows the broadcaster\'s alert, which clears after', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await shareAlerts(broadcast, [{ id: 'high', kind: 'high', bpm: 150, forS: 0 }]);
    await broadcast.send(100);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('100');
    await expect(page.getByTestId('shared-rules')).toContainText('Above 150 bpm');
    await expect(banner(page)).toHaveCount(0);
    // Act
    await broadcast.send(160);
    // Assess
    await expect(banner(page)).toHaveCount(1);
    await expect(banner(page)).toContainText("Broadcaster's alert");
    await expect(banner(page)).toContainText('Above 150 bpm');
    await expect(banner(page)).toContainText(/160 bpm at \d/);
    await broadcast.send(100);
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByTestId('alert-log').locator('li').first()).toContainText("Broadcaster's alert: Above 150 bpm — cleared (100 bpm)");
  });

  test('"no data" fired by the stack\'s alert clock reaches the viewer on the waiting long-poll', async ({ page, stack }) => {
    // Prepare: the page follows a live session whose long-poll waits for the next change
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await shareAlerts(broadcast, [{ id: 'silent', kind: 'no-data', forS: 3 }]);
    await broadcast.send(70);
    // Long-poll only: the page follows by push where it can (the same alert by push is in push.spec.ts).
    await page.route((url) => url.pathname === '/api/events', (route) => route.abort());
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('70');
    const answered = page.waitForResponse(async (response) => {
      if (!response.url().includes('/readings?')) return false;
      const body = (await response.json()) as ReadingsBody;
      return body.alerts?.active.includes('silent') === true;
    });
    // Act: the last reading, then silence
    await broadcast.send(71);
    // Assess: the alert came on a readings answer (the long-poll woke for it; it did not run out first)
    const response = await answered;
    expect(new URL(response.url()).searchParams.get('alertsTag')).toMatch(/^[0-9a-f]{8}$/);
    await expect(banner(page)).toHaveCount(1);
    await expect(banner(page)).toContainText("Broadcaster's alert");
    await expect(banner(page)).toContainText('No data for 3 s');
    await broadcast.send(72);
    await expect(banner(page)).toHaveCount(0);
  });

  test('readings without skin contact show the broadcaster\'s contact-lost alert', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await shareAlerts(broadcast, [{ id: 'contact', kind: 'contact-lost', forS: 0 }]);
    await broadcast.send(80);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('80');
    // Act
    await broadcast.sendNoContact(3);
    // Assess
    await expect(banner(page)).toContainText('No skin contact');
    await expect(banner(page)).toContainText("Broadcaster's alert");
    await broadcast.send(82);
    await expect(banner(page)).toHaveCount(0);
  });

  test('alerts disappear when the broadcaster stops sharing them', async ({ page, stack }) => {
    // Prepare: a shared alert on
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    const rules: AlertRule[] = [{ id: 'high', kind: 'high', bpm: 150, forS: 0 }];
    await shareAlerts(broadcast, rules);
    await broadcast.send(100);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('100');
    await broadcast.send(170);
    await expect(banner(page)).toContainText("Broadcaster's alert");
    // Act: withdrawn, with no reading after it
    await shareAlerts(broadcast, rules, false);
    // Assess
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByTestId('shared-rules')).toHaveCount(0);
  });

  test('a revoked link shows no alerts', async ({ page, stack }) => {
    // Prepare: a shared alert on
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await shareAlerts(broadcast, [{ id: 'high', kind: 'high', bpm: 150, forS: 0 }]);
    await broadcast.send(100);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('100');
    await broadcast.send(170);
    await expect(banner(page)).toContainText("Broadcaster's alert");
    // Act
    await broadcast.control({ exp: Date.now() - 1 });
    // Assess
    await expect(page.getByTestId('alerts-halt')).toHaveText('Alerts stopped: this link was turned off.');
    await expect(banner(page)).toHaveCount(0);
    await expect(page.getByTestId('shared-rules')).toHaveCount(0);
  });
});

/**
 * What a screen reader is given, in real Chromium: the heart rate's polite live region speaks a status change and
 * a request, never each reading; the charts' text alternatives change at a calm rate (docs/testing.md
 * "Accessibility"). The wording and the rule are unit-tested in tests/unit/core/heart-rate-announcer.test.ts.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';
import { openViewerWithSharedHighAlert } from './support/shared-alert-viewer.ts';

const announcement = (page: Page) => page.getByTestId('hr-announcement');

test.describe('screen reader announcements', () => {
  test('broadcaster: the live region speaks on a status change and on request, not on each reading', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await expect(announcement(page)).toHaveText('Not connected.');
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.waitForSubscription();
    await sensor.notify([0x00, 70]);
    await expect(page.getByTestId('bpm')).toHaveText('70');
    await expect(announcement(page)).toHaveText('Live.');
    await expect(announcement(page)).toHaveAttribute('aria-live', 'polite');

    // Act: more readings
    for (const bpm of [71, 72, 73]) {
      await sensor.notify([0x00, bpm]);
      await expect(page.getByTestId('bpm')).toHaveText(String(bpm));
      // Assess: nothing new to say
      await expect(announcement(page)).toHaveText('Live.');
    }

    // Act / Assess: asked for
    await page.getByRole('button', { name: 'Read heart rate' }).click();
    await expect(announcement(page)).toHaveText('Heart rate 73 beats per minute. Live.');
    await sensor.notify([0x00, 80]);
    await expect(page.getByTestId('bpm')).toHaveText('80');
    await expect(announcement(page)).toHaveText('Heart rate 73 beats per minute. Live.');

    // Act / Assess: the status changes
    sensor.failNextConnections(1000);
    await sensor.disconnect();
    await expect(announcement(page)).toHaveText('Reconnecting.');
  });

  test('viewer: live, then "No data" once, then ended; the chart summary keeps a calm rate', async ({ page, stack }) => {
    // Prepare: the page's clock is Playwright's, so the calm rate and the silence take no real time
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(70, 72);
    await page.clock.install();
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(page.getByTestId('bpm')).toHaveText('72');
    await expect(announcement(page)).toHaveText('Live.');
    await expect(page.getByTestId('chart-summary')).toHaveText('Last 5 minutes: now 72 bpm, lowest 70, average 71, highest 72.');

    // Act: a reading
    await broadcast.send(90);
    await expect(page.getByTestId('bpm')).toHaveText('90');

    // Assess: neither the live region nor the summary changed with it
    await expect(announcement(page)).toHaveText('Live.');
    await expect(page.getByTestId('chart-summary')).toHaveText('Last 5 minutes: now 72 bpm, lowest 70, average 71, highest 72.');

    // Act / Assess: ten seconds on, the summary catches up, and the silence is spoken once as "No data"
    await page.clock.fastForward(10_000);
    await expect(page.getByTestId('chart-summary')).toHaveText('Last 5 minutes: now 90 bpm, lowest 70, average 77, highest 90.');
    await expect(page.getByTestId('viewer-status')).toHaveText(/No data for \d+ s/);
    await expect(announcement(page)).toHaveText('No data.');
    await page.clock.fastForward(5_000);
    await expect(page.getByTestId('viewer-status')).toHaveText(/No data for 1\d s/);
    await expect(announcement(page)).toHaveText('No data.');

    // Act / Assess: another window is summarized at once
    await page.getByRole('radio', { name: '1 min' }).click();
    await expect(page.getByTestId('chart-summary')).toHaveText('Last minute: now 90 bpm, lowest 70, average 77, highest 90.');

    // Act / Assess: the broadcaster stops
    await broadcast.control({ end: true });
    await expect(announcement(page)).toHaveText('Session ended.', { timeout: 15_000 });
  });

  test('viewer: an alert is spoken through an assertive region', async ({ page, stack }) => {
    // Prepare
    const broadcast = await openViewerWithSharedHighAlert(page, stack);

    // Act
    await broadcast.send(160);

    // Assess: role alert is an assertive live region; the polite one stays on the status
    await expect(page.getByRole('alert')).toContainText('Above 150 bpm');
    await expect(announcement(page)).toHaveText('Live.');
  });
});

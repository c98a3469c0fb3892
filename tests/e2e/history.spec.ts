import { test, expect } from './support/app.ts';
import { waitUntilControlled } from './support/service-worker.ts';
import type { Page } from '@playwright/test';
import type { EmulatedHeartRateSensor } from './support/app.ts';

const items = (page: Page) => page.getByTestId('history-item');

/** A packet with an 8-bit heart rate and one RR interval of `rrMs` (in the sensor's 1/1024 s units). */
function packet(bpm: number, rrMs: number): number[] {
  const units = Math.round((rrMs * 1024) / 1000);
  return [0x10, bpm, units & 0xff, units >> 8];
}

/**
 * Pairs, sends `bpms` one packet each (waiting until each is shown) `apartMs` apart on the page's clock, then
 * disconnects: one session.
 */
async function recordSession(page: Page, sensor: EmulatedHeartRateSensor, bpms: readonly number[], apartMs = 0): Promise<void> {
  await page.getByRole('button', { name: /Connect sensor|Reconnect Emulated HRM/ }).first().click();
  await sensor.waitForSubscription();
  for (const [i, bpm] of bpms.entries()) {
    await sensor.notify(packet(bpm, 60_000 / bpm));
    await expect(page.getByTestId('stat-count')).toHaveText(String(i + 1));
    if (apartMs > 0 && i < bpms.length - 1) await page.clock.fastForward(apartMs);
  }
  await page.getByRole('button', { name: 'Disconnect' }).click();
}

test.describe('history on the device', () => {
  test('keeps a recorded session across a reload and offline, opens it, and deletes sessions', async ({ page, stack, sensor, context }) => {
    // Prepare: one session of five readings 10 s apart (page clock installed so the test can move it), a reload
    await page.clock.install();
    await page.goto(stack.appUrl);
    await waitUntilControlled(page);
    await expect(page.getByTestId('history-empty')).toBeVisible();
    await recordSession(page, sensor, [70, 80, 90, 100, 110], 10_000);
    // The list shows what is written: all five once the end of the session is stored.
    await expect(page.getByTestId('history-count')).toHaveText('5');

    // Act
    await page.reload();

    // Assess: the list, from IndexedDB
    await expect(items(page)).toHaveCount(1);
    await expect(page.getByTestId('history-count')).toHaveText('5');
    await expect(page.getByTestId('history-avg')).toHaveText('90');
    await expect(page.getByTestId('history-max')).toHaveText('110');
    await expect(page.getByTestId('history-storage')).toContainText('Storage used by this app');

    // Act: open it
    await page.getByTestId('history-open').click();

    // Assess: the chart holds every reading and the statistics are those sent
    const detail = page.getByTestId('session-detail');
    await expect(detail.getByTestId('detail-chart')).toHaveAttribute('data-points', '5');
    await expect(detail.locator('canvas')).toHaveCount(1);
    await expect(detail.getByTestId('detail-count')).toHaveText('5');
    await expect(detail.getByTestId('detail-min')).toHaveText('70');
    await expect(detail.getByTestId('detail-avg')).toHaveText('90');
    await expect(detail.getByTestId('detail-max')).toHaveText('110');
    await expect(detail.getByTestId('detail-rr')).toHaveText('5');
    // 40 s of page clock moved on, plus the real time the steps took on a loaded machine.
    const seconds = Number(/^(\d+) s$/.exec((await detail.getByTestId('detail-duration').textContent()) ?? '')?.[1]);
    expect(seconds).toBeGreaterThanOrEqual(40);
    expect(seconds).toBeLessThan(60);
    expect(page.url()).toMatch(/#history\/[\w-]+$/);

    // Act + Assess: zoom in narrows the shown time, "Whole session" shows it all again
    await detail.getByRole('button', { name: 'Zoom in' }).click();
    const middle = detail.getByText(/^Showing .+ to .+\.$/);
    await expect(middle).toBeVisible();
    const shownMiddle = await middle.textContent();
    // Act + Assess: "Later" moves the part shown by half its width, up to the session's end, where it stops
    await detail.getByRole('button', { name: 'Later' }).click();
    await expect(detail.getByText(/^Showing .+ to .+\.$/)).not.toHaveText(shownMiddle ?? '');
    await expect(detail.getByRole('button', { name: 'Later' })).toBeDisabled();
    await expect(detail.getByRole('button', { name: 'Earlier' })).toBeEnabled();
    await detail.getByRole('button', { name: 'Whole session' }).click();
    await expect(detail.getByText(/^Showing the whole session/)).toBeVisible();
    await expect(detail.getByRole('button', { name: 'Whole session' })).toBeDisabled();

    // Act: offline, reloaded on the session's address
    await context.setOffline(true);
    await page.reload();

    // Assess: the same session opens with no network
    await expect(page.getByTestId('session-detail').getByTestId('detail-max')).toHaveText('110');
    await page.getByRole('link', { name: 'All sessions' }).click();
    await expect(items(page)).toHaveCount(1);

    // Prepare: a second session, still offline (history does not depend on the stream)
    await recordSession(page, sensor, [60, 62]);
    await expect(items(page)).toHaveCount(2);
    await expect(items(page).first().getByTestId('history-count')).toHaveText('2');

    // Act: delete the newest, confirming
    await items(page).first().getByRole('button', { name: /^Delete the session/ }).click();
    await items(page).first().getByRole('button', { name: 'Yes, delete' }).click();

    // Assess
    await expect(items(page)).toHaveCount(1);
    await expect(page.getByTestId('history-max')).toHaveText('110');

    // Act: delete all, confirming
    await page.getByRole('button', { name: 'Delete all' }).click();
    await page.getByRole('button', { name: 'Yes, delete all' }).click();

    // Assess: gone, and still gone after a reload
    await expect(page.getByTestId('history-empty')).toBeVisible();
    await page.reload();
    await expect(page.getByTestId('history-empty')).toBeVisible();
    await context.setOffline(false);
  });
});

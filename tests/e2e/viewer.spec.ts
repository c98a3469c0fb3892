import { test, expect } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';
import { createWriteKey, deriveViewId } from '../../src/core/session-key.ts';
import type { Page } from '@playwright/test';

const status = (page: Page) => page.getByTestId('viewer-status');
const bpm = (page: Page) => page.getByTestId('bpm');

test.describe('viewer page', () => {
  test('shows a live session read-only, catching up with what came before', async ({ page, stack }) => {
    // Prepare: a session that already has readings
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(70, 72, 74);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    // Assess
    await expect(status(page)).toHaveText('Live');
    await expect(bpm(page)).toHaveText('74');
    await expect(page.getByTestId('stat-count')).toHaveText('3');
    await expect(page.getByTestId('chart')).toHaveAttribute('data-points', '3');
    // HRV as the broadcaster's panel computes it, from the RR intervals sent (857, 833 and 811 ms)
    await expect(page.getByTestId('stat-rmssd')).toHaveText('23 ms');
    await expect(page.getByTestId('stat-sdnn')).toHaveText('23 ms');
    await expect(page.getByTestId('stat-pnn50')).toHaveText('0 %');
    await broadcast.send(90);
    await expect(bpm(page)).toHaveText('90');
    await expect(page.getByTestId('stat-max')).toHaveText('90');
    await expect(page.getByTestId('stat-min')).toHaveText('70');
    // Read-only: nothing to connect or send
    await expect(page.getByRole('button', { name: /connect|demo|start|stop/i })).toHaveCount(0);
  });

  test('says how long there has been no data, then that the session ended', async ({ page, stack }) => {
    // Prepare: the page's clock is Playwright's, so "a while without data" takes no real time
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(65);
    await page.clock.install();
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('65');
    await expect(status(page)).toHaveText('Live');
    // Act + Assess: no reading for a while
    await page.clock.fastForward(10_000);
    await expect(status(page)).toHaveText(/No data for \d+ s/);
    // The broadcaster stops
    await broadcast.control({ end: true });
    await expect(status(page)).toHaveText('Session ended', { timeout: 15_000 });
    await expect(bpm(page)).toHaveText('65');
  });

  test('a revoked link shows nothing more', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(80, 81);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('81');
    // Act
    await broadcast.control({ exp: Date.now() - 1 });
    await broadcast.send(99);
    // Assess
    await expect(status(page)).toHaveText('This link was turned off', { timeout: 10_000 });
    await expect(page.getByTestId('closed-note')).toBeVisible();
    await expect(page.getByText('99')).toHaveCount(0);
    await expect(page.getByTestId('chart')).toHaveCount(0);
  });

  test('an expired link says so', async ({ page, stack }) => {
    // Prepare: the link expires in a minute; the page's clock is Playwright's
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.control({ exp: Date.now() + 60_000 });
    await broadcast.send(77);
    await page.clock.install();
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('77');
    // Act: the page's clock passes the expiry (the page need not wait for the server to say so)
    await page.clock.fastForward(61_000);
    // Assess
    await expect(status(page)).toHaveText('This link has expired');
    await expect(bpm(page)).toHaveCount(0);
  });

  test('changing the chart window redraws the same chart', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(70, 71);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(page.getByTestId('chart')).toHaveAttribute('data-points', '2');
    const canvas = await page.getByTestId('chart').locator('canvas').elementHandle();
    // Act
    for (const window of ['1 min', '60 min', '15 min']) await page.getByRole('radio', { name: window, exact: true }).click();
    // Assess: the canvas drawn first is still the one on the page
    await expect(page.getByRole('radio', { name: '15 min' })).toBeChecked();
    await expect(page.getByTestId('chart')).toHaveAccessibleName('Heart rate over the last 15 minutes');
    expect(await canvas?.evaluate((c) => c.isConnected)).toBe(true);
    await expect(page.getByTestId('chart').locator('canvas')).toHaveCount(1);
  });

  test('an unknown link and a mangled link say so', async ({ page, stack }) => {
    // Prepare
    const neverUsed = deriveViewId(createWriteKey());
    // Act + Assess: a well-formed id nobody broadcast under
    await page.goto(`${stack.appUrl}/v/${neverUsed}`);
    await expect(status(page)).toHaveText('Unknown link');
    // A mangled id never reaches the API. The page above goes on following the well-formed id (its event stream opens
    // after the catch-up), so it is left first: only the mangled links' pages are listened to.
    await page.goto('about:blank');
    const apiCalls: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/')) apiCalls.push(r.url());
    });
    for (const mangled of [neverUsed.slice(0, 15), `${neverUsed}x`, `${neverUsed.slice(0, 21)}!`, '%3Cscript%3E']) {
      await page.goto(`${stack.appUrl}/v/${mangled}`);
      await expect(status(page)).toHaveText('Unknown link');
      await expect(page.getByTestId('closed-note')).toHaveText(/copied completely/);
    }
    expect(apiCalls).toEqual([]);
  });

  test('says when the network drops and catches up without gaps when it returns', async ({ page, stack, context }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(60, 61);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('61');
    // Act: the viewer goes offline while readings keep coming (the page hears the browser's offline event)
    await context.setOffline(true);
    await expect(status(page)).toHaveText('Connection lost');
    await expect(page.getByTestId('offline-note')).toBeVisible();
    for (const value of [62, 63, 64, 65, 66]) await broadcast.send(value);
    await context.setOffline(false);
    // Assess: every reading is there, in order
    await expect(bpm(page)).toHaveText('66');
    await expect(status(page)).toHaveText('Live');
    await expect(page.getByTestId('chart')).toHaveAttribute('data-points', '7');
    await expect(page.getByTestId('stat-count')).toHaveText('7');
  });

  test('the overlay shows only a large number on a transparent page', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(101);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=1`);
    // Assess
    await expect(page.getByTestId('overlay')).toBeVisible();
    await expect(bpm(page)).toHaveText('101');
    await expect(page.getByRole('heading')).toHaveCount(0);
    const styles = await page.evaluate(() => ({
      body: getComputedStyle(document.body).backgroundColor,
      root: getComputedStyle(document.documentElement).backgroundColor,
      scheme: getComputedStyle(document.documentElement).colorScheme,
    }));
    expect(styles).toEqual({ body: 'rgba(0, 0, 0, 0)', root: 'rgba(0, 0, 0, 0)', scheme: 'normal' });
  });
});

test.describe('share-link security', () => {
  test('a record whose key does not hash to the view id cannot change that session', async ({ page, stack }) => {
    // Prepare
    const owner = createTestBroadcast(stack.kinesisEndpoint);
    await owner.send(70);
    const attacker = createTestBroadcast(stack.kinesisEndpoint);
    // Act: the attacker writes under the owner's partition key (IAM cannot stop that), with its own key
    await attacker.put([{ v: 1, key: attacker.key, seq: 1, t: Date.now(), bpm: 200 }]);
    await attacker.put([{ v: 1, key: attacker.key, seq: 2, t: Date.now(), end: true }]);
    await owner.send(71);
    // Assess
    await page.goto(`${stack.appUrl}/v/${owner.viewId}`);
    await expect(bpm(page)).toHaveText('71');
    await expect(status(page)).toHaveText('Live');
    await expect(page.getByTestId('stat-max')).toHaveText('71');
    await expect(page.getByTestId('stat-count')).toHaveText('2');
  });

  test('neither the live API nor the viewer page ever carries the write key', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(75, 76);
    const bodies: string[] = [];
    page.on('response', async (response) => {
      bodies.push(await response.text().catch(() => ''));
    });
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(bpm(page)).toHaveText('76');
    await broadcast.control({ end: true });
    await expect(status(page)).toHaveText('Session ended', { timeout: 10_000 });
    // Assess
    expect(bodies.length).toBeGreaterThan(3);
    for (const body of bodies) expect(body).not.toContain(broadcast.key);
    expect(await page.content()).not.toContain(broadcast.key);
  });
});

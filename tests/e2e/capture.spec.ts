import { test, expect, hideWebBluetooth } from './support/app.ts';
import type { Page } from '@playwright/test';
import type { EmulatedHeartRateSensor } from './support/app.ts';
import { HR_FLAG_RR, rrUnitsToMs } from '../../src/core/hr-packet.ts';
import { RollingDfaAlpha1, summarizeHrv } from '../../src/core/hrv-measures.ts';

const bpm = (page: Page) => page.getByTestId('bpm');
const status = (page: Page) => page.getByTestId('sensor-status');

/** Test-side log of every status text the page shows (some last only milliseconds). */
async function recordStatusTexts(page: Page): Promise<void> {
  await page.evaluate(() => {
    const log: string[] = [];
    (window as unknown as { statusTexts: string[] }).statusTexts = log;
    const target = document.querySelector('[data-testid="sensor-status"]');
    if (!target) throw new Error('no status element');
    new MutationObserver(() => log.push(target.textContent?.trim() ?? '')).observe(target, { subtree: true, characterData: true, childList: true });
  });
}

/**
 * Stops the page's clock (installed with page.clock.install() before page.goto()) so the app's waits, the
 * liveness ticker and reading times move only when the test says.
 */
async function pauseClock(page: Page): Promise<void> {
  const now = await page.evaluate(() => Date.now());
  await page.clock.pauseAt(now + 1_000);
}

/**
 * Moves the paused page clock on a second at a time until `done()`: the app's retry waits are timers, and
 * stepping (rather than one jump) also covers a wait the app starts only after the test looked.
 */
async function runClockUntil(page: Page, done: () => boolean): Promise<void> {
  await expect
    .poll(async () => {
      if (!done()) await page.clock.runFor(1_000);
      return done();
    }, { timeout: 15_000 })
    .toBe(true);
}

/** Test-side log of unhandled promise rejections in the page (call before page.goto()). */
async function recordUnhandledRejections(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const log: string[] = [];
    (window as unknown as { unhandled: string[] }).unhandled = log;
    window.addEventListener('unhandledrejection', (event) => log.push(String(event.reason)));
  });
}

const unhandledRejections = (page: Page): Promise<string[]> =>
  page.evaluate(() => (window as unknown as { unhandled: string[] }).unhandled);

async function pair(page: Page, sensor: EmulatedHeartRateSensor): Promise<void> {
  await page.getByRole('button', { name: 'Connect sensor' }).click();
  await sensor.waitForSubscription();
  await expect(status(page)).toHaveText(/Live/);
}

test.describe('capture from a Bluetooth heart-rate sensor', () => {
  test('pairs through the chooser and shows name and battery', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await expect(status(page)).toHaveText('Not connected');
    // Act
    await pair(page, sensor);
    // Assess
    expect(sensor.promptCount).toBe(1);
    await expect(page.getByTestId('device-name')).toHaveText('Emulated HRM');
    await expect(page.getByTestId('battery')).toHaveText('Battery 87%');
  });

  test('shows 8-bit, 16-bit, energy and contact packets correctly', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await pair(page, sensor);

    // Act + Assess: 8-bit value, no contact bits
    await sensor.notify([0x00, 0x48]);
    await expect(bpm(page)).toHaveText('72');
    await expect(page.getByTestId('contact-note')).toHaveCount(0);

    // 16-bit value 0x009A = 154 with energy expended 16 kJ
    await sensor.notify([0x09, 0x9a, 0x00, 0x10, 0x00]);
    await expect(bpm(page)).toHaveText('154');

    // Contact supported but not detected
    await sensor.notify([0x04, 0x50]);
    await expect(bpm(page)).toHaveText('80');
    await expect(page.getByTestId('contact-note')).toBeVisible();

    // Contact detected again
    await sensor.notify([0x06, 0x51]);
    await expect(bpm(page)).toHaveText('81');
    await expect(page.getByTestId('contact-note')).toHaveCount(0);

    // Statistics over the four readings
    await expect(page.getByTestId('stat-min')).toHaveText('72');
    await expect(page.getByTestId('stat-max')).toHaveText('154');
    await expect(page.getByTestId('stat-avg')).toHaveText('97');
    await expect(page.getByTestId('stat-count')).toHaveText('4');
  });

  test('collects several RR intervals per packet and shows RMSSD', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    await expect(page.getByTestId('stat-rmssd')).toHaveText('—');
    // Act: 16-bit HR 60 with energy and four RR intervals (1024, 1040, 1024, 1040 /1024 s)
    await sensor.notify([0x19, 0x3c, 0x00, 0x05, 0x00, 0x00, 0x04, 0x10, 0x04, 0x00, 0x04, 0x10, 0x04]);
    // Assess: RR in ms are 1000, 1016, 1000, 1016 → successive differences of 16 ms → RMSSD 16 ms
    await expect(bpm(page)).toHaveText('60');
    await expect(page.getByTestId('stat-rr')).toHaveText('4');
    await expect(page.getByTestId('stat-energy')).toHaveText('5 kJ');
    await expect(page.getByTestId('stat-rmssd')).toHaveText('16 ms');
    // Mean 1008, deviations ±8 → sample SD √(256 / 3) ≈ 9 ms; no difference over 50 ms; α1 needs 64 beats
    await expect(page.getByTestId('stat-sdnn')).toHaveText('9 ms');
    await expect(page.getByTestId('stat-pnn50')).toHaveText('0 %');
    await expect(page.getByTestId('stat-dfa-alpha1')).toHaveText('—');
    await expect(page.getByTestId('dfa-hint')).toContainText('after 64 beats');
  });

  test('shows the rolling DFA α1 once 64 beats came in, as core computes it', async ({ page, stack, sensor }) => {
    // Prepare: a paused clock, so each packet's second (the panel refreshes HRV at most once a second) is the test's
    await page.clock.install();
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    await pauseClock(page);
    // Irregular intervals of 750..870 /1024 s, four a packet, as a strap sends them
    const units = Array.from({ length: 64 }, (_, i) => 810 + ((i * 37) % 61) - 30);
    const rolling = new RollingDfaAlpha1();
    for (const unit of units) rolling.push(rrUnitsToMs(unit));
    const summary = summarizeHrv(units.map(rrUnitsToMs));
    // Act
    for (let packet = 0; packet < 16; packet++) {
      const rr = units.slice(packet * 4, packet * 4 + 4).flatMap((unit) => [unit & 0xff, unit >> 8]);
      await sensor.notify([HR_FLAG_RR, 75, ...rr]);
      await expect(page.getByTestId('stat-rr')).toHaveText(String(packet * 4 + 4));
      await page.clock.runFor(1_000);
    }
    // Assess
    await expect(page.getByTestId('stat-dfa-alpha1')).toHaveText((rolling.value ?? NaN).toFixed(2));
    await expect(page.getByTestId('stat-sdnn')).toHaveText(`${(summary.sdnn ?? NaN).toFixed(0)} ms`);
    await expect(page.getByTestId('stat-pnn50')).toHaveText(`${(summary.pnn50 ?? NaN).toFixed(0)} %`);
    await expect(page.getByTestId('dfa-hint')).toContainText('updated once a second');
  });

  test('ignores malformed packets with a count and keeps going', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    await sensor.notify([0x00, 0x40]);
    // Act: flags say 16-bit but only one value byte follows; then an RR flag with an odd trailing byte
    await sensor.notify([0x01, 0x48]);
    await sensor.notify([0x10, 0x48, 0x00]);
    await sensor.notify([0x00, 0x42]);
    // Assess
    await expect(page.getByTestId('packet-errors')).toHaveText('2 malformed packet(s) ignored.');
    await expect(bpm(page)).toHaveText('66');
    await expect(page.getByTestId('stat-count')).toHaveText('2');
  });

  test('says the value is not live after 3 s without a reading', async ({ page, stack, sensor }) => {
    // Prepare
    await page.clock.install();
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    await pauseClock(page);
    await sensor.notify([0x00, 0x4b]);
    await expect(status(page)).toHaveText('Live');
    // Act
    await page.clock.runFor(3_500);
    // Assess: the status and a note say so once three seconds pass without a reading
    await expect(page.getByTestId('stale-note')).toBeVisible();
    await expect(status(page)).toHaveText('No reading for 3 s');
    await expect(bpm(page)).toHaveText('75');
    // A fresh reading makes it live again
    await sensor.notify([0x00, 0x4c]);
    await expect(status(page)).toHaveText('Live');
    await expect(page.getByTestId('stale-note')).toHaveCount(0);
  });

  test('reconnects by itself after link loss, without a new chooser, and keeps reading', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    await sensor.notify([0x00, 0x46]);
    await expect(bpm(page)).toHaveText('70');
    // Act
    await sensor.disconnect();
    // Assess
    await sensor.waitForConnections(2, 10_000);
    await sensor.waitForSubscription(10_000);
    await expect(status(page)).toHaveText(/Live|No reading/);
    await sensor.notify([0x00, 0x5a]);
    await expect(bpm(page)).toHaveText('90');
    await expect(status(page)).toHaveText('Live');
    expect(sensor.promptCount).toBe(1);
    await expect(page.getByTestId('stat-count')).toHaveText('2');
  });

  test('keeps retrying while the sensor cannot be reached, then recovers', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    await recordStatusTexts(page);
    sensor.failNextConnections(2);
    // Act
    await sensor.disconnect();
    // Assess: showed reconnecting, then live again after the failed attempts
    await expect.poll(() => page.evaluate(() => (window as unknown as { statusTexts: string[] }).statusTexts)).toContain('Reconnecting…');
    await sensor.waitForSubscription(15_000);
    expect(sensor.failedConnectionCount).toBe(2);
    await sensor.notify([0x00, 0x55]);
    await expect(bpm(page)).toHaveText('85');
    await expect(status(page)).toHaveText('Live');
  });

  test('offers one-tap reconnect to the remembered sensor after a reload', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    // Act
    await page.reload();
    await expect(status(page)).toHaveText('Not connected');
    await page.getByRole('button', { name: 'Reconnect Emulated HRM' }).click();
    // Assess: one tap and readings flow again (the name comes from the app's memory: Chromium forgets it)
    await sensor.waitForSubscription(10_000);
    await expect(status(page)).toHaveText(/Live/);
    await sensor.notify([0x00, 0x44]);
    await expect(bpm(page)).toHaveText('68');
    await expect(page.getByTestId('device-name')).toHaveText('Emulated HRM');
  });

  test('says so when the chooser is cancelled', async ({ page, stack, sensor }) => {
    // Prepare
    sensor.chooser = 'cancel';
    await page.goto(stack.appUrl);
    // Act
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    // Assess
    await expect(page.getByRole('alert')).toHaveText(/No sensor was chosen/);
    await expect(page.getByTestId('problem')).toHaveAttribute('data-kind', 'chooser-cancelled');
    await expect(status(page)).toHaveText('Not connected');
  });

  test('retries a first connection that fails, showing "Connecting…" and no error meanwhile', async ({ page, stack, sensor }) => {
    // Prepare: Android fails about 30 % of first gatt.connect() calls, and they succeed seconds later
    sensor.failNextConnections(2);
    await recordUnhandledRejections(page);
    await page.clock.install();
    await page.goto(stack.appUrl);
    await pauseClock(page);
    // Act
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.waitForFailedConnections(1);
    // Assess: while the app waits to try again
    await expect(status(page)).toHaveText('Connecting…');
    await expect(page.getByTestId('problem')).toHaveCount(0);
    await runClockUntil(page, () => sensor.heartRateSubscribed);
    await expect(status(page)).toHaveText(/Live/);
    await expect(page.getByTestId('problem')).toHaveCount(0);
    expect(sensor.failedConnectionCount).toBe(2);
    expect(sensor.promptCount).toBe(1);
    expect(await unhandledRejections(page)).toEqual([]);
  });

  test('says so when the connection fails three times', async ({ page, stack, sensor }) => {
    // Prepare
    sensor.failNextConnections(3);
    await page.clock.install();
    await page.goto(stack.appUrl);
    await pauseClock(page);
    // Act
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await runClockUntil(page, () => sensor.failedConnectionCount >= 3);
    // Assess
    await expect(page.getByTestId('problem')).toHaveAttribute('data-kind', 'connection-failed');
    await expect(page.getByRole('alert')).toHaveText(/Could not connect to the sensor/);
    await expect(status(page)).toHaveText('Not connected');
    expect(sensor.connectionCount).toBe(0);
  });

  test('disconnecting while the link is down shows no error (stopNotifications() fails then)', async ({ page, stack, sensor }) => {
    // Prepare
    await recordUnhandledRejections(page);
    await page.goto(stack.appUrl);
    await pair(page, sensor);
    // The app reads the battery after it goes live; let that finish, so the link loss below is the only
    // thing in flight. A link lost during that read once left the status at Live (seen once in a CI run, not
    // yet reproduced or explained): the app may miss a disconnect that races the battery read.
    await expect(page.getByTestId('battery')).toHaveText('Battery 87%');
    sensor.failNextConnections(1_000);
    await sensor.disconnect();
    await expect(status(page)).toHaveText('Reconnecting…');
    // Act
    await page.getByRole('button', { name: 'Disconnect' }).click();
    // Assess
    await expect(status(page)).toHaveText('Not connected');
    await expect(page.getByRole('button', { name: 'Connect sensor' })).toBeEnabled();
    await expect(page.getByTestId('problem')).toHaveCount(0);
    expect(await unhandledRejections(page)).toEqual([]);
  });

  test.describe('with a strap that has neither battery nor device-information service', () => {
    test.use({ sensorOptions: { battery: null, deviceInformation: false } });

    test('pairs and shows readings, without a battery level', async ({ page, stack, sensor }) => {
      // Prepare
      await page.goto(stack.appUrl);
      // Act
      await pair(page, sensor);
      await sensor.notify([0x00, 0x41]);
      // Assess
      await expect(bpm(page)).toHaveText('65');
      await expect(page.getByTestId('device-name')).toHaveText('Emulated HRM');
      await expect(page.getByTestId('battery')).toHaveCount(0);
      await expect(page.getByTestId('problem')).toHaveCount(0);
    });
  });

  test.describe('with Bluetooth switched off', () => {
    test.use({ sensorOptions: { adapter: 'powered-off' } });

    test('waits in the chooser with a hint, and pairs once Bluetooth is on', async ({ page, stack, sensor }) => {
      // Prepare
      await page.goto(stack.appUrl);
      // Act: Chromium neither rejects nor prompts while the adapter is off
      await page.getByRole('button', { name: 'Connect sensor' }).click();
      // Assess
      await expect(page.getByTestId('choosing')).toHaveText(/If Bluetooth is off, turn it on/);
      await expect(page.getByRole('button', { name: 'Connect sensor' })).toBeDisabled();
      await sensor.setAdapterState('powered-on');
      await sensor.waitForSubscription(10_000);
      await expect(status(page)).toHaveText(/Live/);
      await expect(page.getByTestId('choosing')).toHaveCount(0);
    });
  });

  test.describe('with no Bluetooth adapter', () => {
    test.use({ sensorOptions: { adapter: 'absent' } });

    test('says Bluetooth is off or unavailable', async ({ page, stack, sensor }) => {
      // Prepare
      expect(sensor.adapterState).toBe('absent');
      await page.goto(stack.appUrl);
      // Act
      await page.getByRole('button', { name: 'Connect sensor' }).click();
      // Assess
      await expect(page.getByTestId('problem')).toHaveAttribute('data-kind', 'bluetooth-off');
      await expect(page.getByRole('alert')).toHaveText(/Bluetooth is off or unavailable/);
    });
  });

  test('explains which browsers work when there is no Web Bluetooth', async ({ page, stack }) => {
    // Prepare
    await hideWebBluetooth(page);
    await page.goto(stack.appUrl);
    // Act
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    // Assess
    await expect(page.getByRole('alert')).toHaveText(/Chrome or Edge.*Android.*Bluefy/);
  });

  test('the demo sensor shows plausible, clearly labelled readings', async ({ page, stack }) => {
    // Prepare
    await page.goto(stack.appUrl);
    // Act
    await page.getByRole('button', { name: 'Try the demo sensor' }).click();
    // Assess
    await expect(page.getByText('DEMO', { exact: true })).toBeVisible();
    await expect(page.getByTestId('device-name')).toHaveText('Demo sensor');
    await expect(page.getByTestId('stat-count')).toHaveText(/^[2-9]|\d\d/, { timeout: 5_000 });
    const value = Number(await bpm(page).textContent());
    expect(value).toBeGreaterThanOrEqual(40);
    expect(value).toBeLessThanOrEqual(200);
    await expect(page.getByTestId('stat-rr')).not.toHaveText('0');
    // Live: the screen is kept on (Screen Wake Lock), and let go once the session stops
    await expect(page.getByText('Screen kept on while live.')).toBeVisible();
    expect(await page.evaluate(() => navigator.wakeLock !== undefined)).toBe(true);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect(page.getByText('Screen kept on while live.')).toHaveCount(0);
    await expect(status(page)).toHaveText('Not connected');
  });

  test('counts time in zones from the max heart rate the person sets', async ({ page, stack, sensor }) => {
    // Prepare
    await page.clock.install();
    await page.goto(stack.appUrl);
    await page.getByLabel('Max heart rate').fill('200');
    await page.getByRole('button', { name: 'Set' }).click();
    await pair(page, sensor);
    await pauseClock(page);
    // Act: 150 bpm is zone 3 of 200 (70–80 %); three readings a second apart give 2 s in zone 3
    for (let i = 0; i < 3; i += 1) {
      if (i > 0) await page.clock.runFor(1_000);
      await sensor.notify([0x00, 150]);
    }
    // Assess
    await expect(page.getByTestId('zone-3')).toHaveText('2 s');
    await expect(page.getByTestId('zone-1')).toHaveText('0 s');
    // An implausible max HR is refused with a message
    await page.getByLabel('Max heart rate').fill('40');
    await page.getByRole('button', { name: 'Set' }).click();
    await expect(page.getByText('Enter a whole number from 100 to 230.')).toBeVisible();
  });
});

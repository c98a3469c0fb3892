/**
 * Self-test of the Web Bluetooth harness: a tiny page (support/harness-page.html) pairs with the
 * emulated sensor through real Chromium, and each test checks one behaviour the app's e2e tests
 * will rely on. The page logs every step as a line in #log.
 */
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import {
  DEVICE_INFORMATION,
  SENSOR_DEFAULTS,
  chromiumPath,
  expect,
  hideWebBluetooth,
  test,
} from './support/browser.ts';

// http://127.0.0.1 is a secure context, which Web Bluetooth requires; page.route serves the file
// without a server to start and stop.
const PAGE_URL = 'http://127.0.0.1/harness';
const PAGE_FILE = fileURLToPath(new URL('./support/harness-page.html', import.meta.url));

async function openHarness(page: Page): Promise<void> {
  await page.route(PAGE_URL, (route) => route.fulfill({ path: PAGE_FILE, contentType: 'text/html' }));
  await page.goto(PAGE_URL);
}

const logLines = (page: Page) => page.locator('#log li');

/** Lines after "ready", i.e. what the page saw of Bluetooth. */
async function events(page: Page): Promise<string[]> {
  const lines = await logLines(page).allTextContents();
  return lines.slice(lines.indexOf('ready') + 1);
}

const SESSION_LINES = ['connected', 'subscribed', 'battery 87', `manufacturer ${DEVICE_INFORMATION.manufacturerName}`];

async function pair(page: Page): Promise<void> {
  await page.locator('#connect').click();
  await expect.poll(() => events(page)).toEqual([`device ${SENSOR_DEFAULTS.name}`, ...SESSION_LINES]);
}

const hrLines = async (page: Page): Promise<string[]> =>
  (await events(page)).filter((line) => line.startsWith('hr '));

test('pairs through the chooser and delivers notifications in order with exact bytes', async ({ page, sensor }) => {
  await openHarness(page);
  await pair(page);
  expect(sensor.promptCount).toBe(1);
  expect(sensor.connectionCount).toBe(1);
  expect(sensor.heartRateSubscribed).toBe(true);

  // Fired concurrently on purpose: the sensor must queue them and keep their order.
  await Promise.all([
    sensor.notify([0x00, 62]),
    sensor.notify([0x16, 0x48, 0x34, 0x12]), // uint8 bpm 72, contact detected, one RR 0x1234
    sensor.notify(Uint8Array.of(0x01, 0x2c, 0x01)), // uint16 bpm 300
  ]);
  expect(await hrLines(page)).toEqual(['hr 00 3e', 'hr 16 48 34 12', 'hr 01 2c 01']);
});

test('notify() waits for startNotifications() and fails clearly without it', async ({ page, sensor }) => {
  await openHarness(page);
  // requestDevice() needs a real click: page.evaluate's user gesture was refused now and then.
  await page.locator('#connect-only').click();
  await expect.poll(() => events(page)).toEqual(['connected']);
  await expect(sensor.notify([0x00, 60], { timeoutMs: 300 })).rejects.toThrow(
    /waiting for the app to call startNotifications\(\): timed out after 300 ms/,
  );
  // A value sent before the app subscribes is held until it does, not lost.
  const early = sensor.notify([0x00, 61]);
  await page.evaluate(async () => {
    const [device] = await navigator.bluetooth.getDevices();
    const service = await device!.gatt!.getPrimaryService('heart_rate');
    await (await service.getCharacteristic('heart_rate_measurement')).startNotifications();
  });
  await early;
});

test('battery level changes reach the page', async ({ page, sensor }) => {
  await openHarness(page);
  await pair(page);
  await sensor.notifyBattery(42);
  expect(sensor.battery).toBe(42);
  // No listener on battery in the page: a fresh read is the observable effect.
  const level = await page.evaluate(async () => {
    const [device] = await navigator.bluetooth.getDevices();
    const service = await device!.gatt!.getPrimaryService('battery_service');
    return (await (await service.getCharacteristic('battery_level')).readValue()).getUint8(0);
  });
  expect(level).toBe(42);
});

test('a cancelled chooser rejects requestDevice with NotFoundError', async ({ page, sensor }) => {
  sensor.chooser = 'cancel';
  await openHarness(page);
  await page.locator('#connect').click();
  await expect.poll(() => events(page)).toEqual(['error NotFoundError: User cancelled the requestDevice() chooser.']);
  expect(sensor.promptCount).toBe(1);
  expect(sensor.connectionCount).toBe(0);
});

test('a failed connection rejects connect() with NetworkError; the next attempt works', async ({ page, sensor }) => {
  sensor.failNextConnections(1);
  await openHarness(page);
  await page.locator('#connect').click();
  await expect
    .poll(() => events(page))
    .toEqual([`device ${SENSOR_DEFAULTS.name}`, 'error NetworkError: Connection Error: Connection attempt failed.']);
  expect(sensor.failedConnectionCount).toBe(1);

  await page.locator('#connect').click();
  await sensor.waitForConnections(1);
  await expect.poll(async () => (await events(page)).slice(-4)).toEqual(SESSION_LINES);
  expect(sensor.promptCount).toBe(2);
});

test('after a link loss the page reconnects without a chooser and notifications resume', async ({ page, sensor }) => {
  await openHarness(page);
  await pair(page);
  await sensor.notify([0x00, 70]);
  const expected = [`device ${SENSOR_DEFAULTS.name}`, ...SESSION_LINES, 'hr 00 46'];

  for (const round of [2, 3]) {
    await sensor.disconnect();
    await sensor.waitForConnections(round);
    // Let the page finish its whole session setup, so the value lands after it in the log.
    expected.push('disconnected', ...SESSION_LINES);
    await expect.poll(() => events(page)).toEqual(expected);
    await sensor.notify([0x00, 70 + round]);
    expected.push(`hr 00 ${(70 + round).toString(16)}`);
  }

  expect(await events(page)).toEqual(expected);
  expect(sensor.promptCount).toBe(1);
  expect(sensor.disconnectCount).toBe(2);
});

test('after a reload the page reconnects to the remembered device and notifications resume', async ({
  page,
  sensor,
}) => {
  await openHarness(page);
  await pair(page);

  await page.reload();
  // The fake peripheral has no display name, so the remembered device comes back nameless.
  await expect(logLines(page)).toHaveText(['remembered ""', 'ready']);
  await page.locator('#reconnect').click();
  await sensor.waitForSubscription();
  await expect.poll(() => events(page)).toEqual(SESSION_LINES);
  await sensor.notify([0x00, 90]);
  await sensor.disconnect();
  await expect.poll(() => events(page)).toEqual([...SESSION_LINES, 'hr 00 5a', 'disconnected', ...SESSION_LINES]);
  await sensor.notify([0x00, 91]);
  await expect.poll(async () => (await events(page)).at(-1)).toBe('hr 00 5b');
  expect(sensor.promptCount).toBe(1);
});

test('turning Bluetooth off mid-session drops the link; reconnects fail until it is on again', async ({
  page,
  sensor,
}) => {
  await openHarness(page);
  await pair(page);
  const paired = [`device ${SENSOR_DEFAULTS.name}`, ...SESSION_LINES];

  await sensor.setAdapterState('powered-off');
  await expect
    .poll(() => events(page))
    .toEqual([...paired, 'disconnected', 'reconnect error NetworkError: Connection Error: Connection attempt failed.']);

  await sensor.setAdapterState('powered-on');
  await page.locator('#reconnect').click();
  await sensor.waitForSubscription();
  await expect.poll(async () => (await events(page)).slice(-4)).toEqual(SESSION_LINES);
  await sensor.notify([0x00, 80]);
  await expect.poll(async () => (await events(page)).at(-1)).toBe('hr 00 50');
  expect(sensor.promptCount).toBe(1);
});

test.describe('with the adapter powered off', () => {
  test.use({ sensorOptions: { adapter: 'powered-off' } });

  test('requestDevice waits with no prompt until Bluetooth is turned on', async ({ page, sensor }) => {
    await openHarness(page);
    expect(await page.evaluate(() => navigator.bluetooth.getAvailability())).toBe(true);
    await page.locator('#connect').click();
    // Chromium neither rejects nor prompts while the adapter is off: the chooser waits for it. Showing that
    // nothing happens needs a span of time; a busy machine can only make this pass more easily, never fail it.
    await page.waitForTimeout(500);
    expect(await events(page)).toEqual([]);
    expect(sensor.promptCount).toBe(0);

    await sensor.setAdapterState('powered-on');
    await expect.poll(() => events(page)).toEqual([`device ${SENSOR_DEFAULTS.name}`, ...SESSION_LINES]);
    expect(sensor.promptCount).toBe(1);
  });

  test('turning Bluetooth on with the chooser set to cancel rejects with NotFoundError', async ({ page, sensor }) => {
    sensor.chooser = 'cancel';
    await openHarness(page);
    await page.locator('#connect').click();
    await sensor.setAdapterState('powered-on');
    await expect.poll(() => events(page)).toEqual(['error NotFoundError: User cancelled the requestDevice() chooser.']);
  });
});

test.describe('with no Bluetooth adapter', () => {
  test.use({ sensorOptions: { adapter: 'absent' } });

  test('requestDevice rejects with NotFoundError at once', async ({ page, sensor }) => {
    await openHarness(page);
    expect(await page.evaluate(() => navigator.bluetooth.getAvailability())).toBe(false);
    await page.locator('#connect').click();
    await expect.poll(() => events(page)).toEqual(['error NotFoundError: Bluetooth adapter not available.']);
    expect(sensor.promptCount).toBe(0);
  });
});

test('hideWebBluetooth removes navigator.bluetooth', async ({ page }) => {
  await hideWebBluetooth(page);
  await openHarness(page);
  await expect(logLines(page)).toHaveText(['no web bluetooth']);
  expect(await page.evaluate(() => 'bluetooth' in navigator)).toBe(false);
});

test('chromiumPath() honours CHROME_PATH and rejects a wrong one', () => {
  const saved = process.env['CHROME_PATH'];
  try {
    process.env['CHROME_PATH'] = process.execPath; // any existing file will do
    expect(chromiumPath()).toBe(process.execPath);
    process.env['CHROME_PATH'] = '/nonexistent/chromium';
    expect(() => chromiumPath()).toThrow('CHROME_PATH=/nonexistent/chromium does not exist');
  } finally {
    if (saved === undefined) delete process.env['CHROME_PATH'];
    else process.env['CHROME_PATH'] = saved;
  }
});

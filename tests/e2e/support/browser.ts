/**
 * Playwright fixtures for Web Bluetooth tests in real Chromium (one browser per worker, a fresh
 * context and page per test, and an emulated heart-rate strap on demand):
 *
 *   import { expect, test } from './support/browser.ts';
 *
 *   test('shows the live heart rate', async ({ page, sensor }) => {
 *     await page.goto('/');
 *     await page.getByRole('button', { name: 'Connect' }).click(); // chooser answered: 'select'
 *     await sensor.notify([0x00, 72]);                             // waits for startNotifications()
 *     await expect(page.getByTestId('bpm')).toHaveText('72');
 *     await sensor.disconnect();                                   // link loss → app reconnects
 *     await sensor.notify([0x00, 75]);
 *     expect(sensor.promptCount).toBe(1);                          // no second chooser
 *   });
 *
 * Options per file or describe block: `test.use({ sensorOptions: { adapter: 'powered-off' } })`.
 */
import { expect, test as base } from '@playwright/test';
import type { Browser } from '@playwright/test';
import { EmulatedHeartRateSensor } from './heart-rate-sensor.ts';
import type { SensorOptions } from './heart-rate-sensor.ts';
import { chromiumPath, launchArgs } from '../../../scripts/chromium-launch.ts';

export { expect };
export { EmulatedHeartRateSensor, hideWebBluetooth, DEVICE_INFORMATION, SENSOR_DEFAULTS } from './heart-rate-sensor.ts';
export type { SensorOptions } from './heart-rate-sensor.ts';
export { chromiumPath, launchArgs };

export interface SensorFixtures {
  /** Options for the `sensor` fixture: `test.use({ sensorOptions: { adapter: 'powered-off' } })`. */
  sensorOptions: SensorOptions;
  /** An emulated heart-rate strap bound to this test's page; created only when a test asks for it. */
  sensor: EmulatedHeartRateSensor;
}

export const test = base.extend<SensorFixtures>({
  // One browser per worker; each test still gets Playwright's fresh `context` and `page`.
  browser: [
    async ({ playwright }, use) => {
      const browser: Browser = await playwright.chromium.launch({
        executablePath: chromiumPath(),
        args: [...launchArgs],
      });
      try {
        await use(browser);
      } finally {
        await browser.close();
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  sensorOptions: [{}, { option: true }],

  sensor: async ({ browser, context, page, sensorOptions }, use) => {
    const sensor = await EmulatedHeartRateSensor.attach(browser, context, page, sensorOptions);
    try {
      await use(sensor);
    } finally {
      // detach() closes the page before disabling emulation (Chromium crashed the other way round).
      await sensor.detach();
    }
    if (sensor.errors.length > 0) {
      const messages = sensor.errors.map((e) => `  ${e.message}`).join('\n');
      throw new Error(`The emulated sensor failed to answer Chromium:\n${messages}`);
    }
  },
});

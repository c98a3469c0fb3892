// A viewer page on a session whose broadcaster shares one alert rule, high above 150 bpm, already open on a reading
// below it: the starting point of the tests of how a shared alert is shown and spoken.
import type { Page } from '@playwright/test';
import type { LocalStack } from '../../../infra/local/local-stack.ts';
import { expect } from './browser.ts';
import { createTestBroadcast, type TestBroadcast } from './stream-writer.ts';

const SHARED_HIGH_BPM = 150;

export async function openViewerWithSharedHighAlert(page: Page, stack: LocalStack): Promise<TestBroadcast> {
  const broadcast = createTestBroadcast(stack.kinesisEndpoint);
  await broadcast.control({ alerts: { share: true, settings: { rules: [{ id: 'high', kind: 'high', bpm: SHARED_HIGH_BPM, forS: 0 }], hysteresisBpm: 3, repeatAfterS: 0 } } });
  await broadcast.send(100);
  await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
  await expect(page.getByTestId('bpm')).toHaveText('100');
  return broadcast;
}

/**
 * Alerts on the broadcaster's page, in real Chromium with the emulated sensor on the whole embedded stack: a
 * threshold crossed and a contact lost show the banner, the session's alert log survives a reload, and shared
 * rules reach the stream as a control record, which the page calls shared only once the stream holds it.
 */
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import type { Page } from '@playwright/test';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import type { LocalStack } from '../../infra/local/local-stack.ts';
import { test, expect, type EmulatedHeartRateSensor } from './support/app.ts';

const STREAM = 'liveheartrate';
const REGION = 'us-east-1';
// A local wall-clock time as the page shows it, with or without AM/PM.
const TIME = String.raw`\d{1,2}:\d\d:\d\d(?: [AP]M)?`;

async function pair(page: Page, sensor: EmulatedHeartRateSensor): Promise<void> {
  await page.getByRole('button', { name: 'Connect sensor' }).click();
  await sensor.waitForSubscription();
  await expect(page.getByTestId('sensor-status')).toHaveText(/Live/);
}

/** Turns alerts on with the presets, the high threshold at `highBpm` and no hold times, so one reading fires. */
async function turnAlertsOn(page: Page, highBpm: number): Promise<void> {
  await page.getByTestId('alerts-enabled').check();
  await page.getByTestId('rule-high-bpm').fill(String(highBpm));
  await page.getByTestId('rule-high-for').fill('0');
  await page.getByTestId('rule-contact-for').fill('0');
  await page.getByTestId('alert-save').click();
  await expect(page.getByTestId('alert-rules-message')).toHaveText('Rules saved.');
}

interface StreamRecord {
  key: string;
  seq: number;
  bpm?: number;
  alerts?: { share: boolean; settings: { rules: Array<{ id: string; bpm?: number }> } };
}

async function readStream(stack: LocalStack): Promise<StreamRecord[]> {
  const client = createNodeKinesisClient(stack.kinesisEndpoint, REGION);
  try {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand({ StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const records: StreamRecord[] = [];
    let iterator = ShardIterator;
    while (iterator) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) records.push(JSON.parse(new TextDecoder().decode(record.Data)) as StreamRecord);
      // kinesalite may report MillisBehindLatest 0 with more records to come: read until a page is empty.
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    return records;
  } finally {
    client.destroy();
  }
}

test.describe('alerts on the broadcaster page', () => {
  test('the heart rate crosses the threshold: a banner with rule, value and time, then back to normal', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await turnAlertsOn(page, 150);
    await pair(page, sensor);
    await sensor.notify([0x00, 120]);
    await expect(page.getByTestId('bpm')).toHaveText('120');
    await expect(page.getByTestId('alert-banner')).toHaveCount(0);
    // Act
    await sensor.notify([0x00, 163]);
    // Assess
    const alert = page.getByTestId('alert-high');
    await expect(alert).toContainText(new RegExp(`High heart rate: 163 bpm\\s+at ${TIME}, above 150 bpm\\.`));
    await expect(page.getByRole('alert')).toContainText('High heart rate');
    await expect(page.getByTestId('alert-sound-note')).toHaveText('Sound is off (turn it on under Alerts).');
    await sensor.notify([0x00, 140]);
    await expect(alert).toContainText(new RegExp(`Back to normal at ${TIME}\\.`));
    await page.getByRole('button', { name: 'Dismiss High heart rate alert' }).click();
    await expect(alert).toHaveCount(0);
  });

  test('sensor contact lost: a banner, and snoozing clears it and says until when', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await turnAlertsOn(page, 200);
    await pair(page, sensor);
    await sensor.notify([0x06, 72]);
    await expect(page.getByTestId('bpm')).toHaveText('72');
    // Act: contact supported, not detected
    await sensor.notify([0x04, 72]);
    // Assess
    await expect(page.getByTestId('alert-contact')).toContainText(new RegExp(`Sensor contact lost\\s+at ${TIME}, no skin contact\\.`));
    await page.getByRole('button', { name: 'Snooze all 15 min' }).click();
    await expect(page.getByTestId('alert-contact')).toHaveCount(0);
    await expect(page.getByTestId('alert-snoozed')).toContainText(new RegExp(`Alerts snoozed until ${TIME}\\.`));
  });

  test('the alert log of the session survives a reload', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await turnAlertsOn(page, 150);
    await pair(page, sensor);
    await sensor.notify([0x00, 171]);
    await expect(page.getByTestId('alert-high')).toBeVisible();
    await sensor.notify([0x00, 120]);
    await expect(page.getByTestId('alert-log').locator('li')).toHaveCount(2);
    const link = await page.getByTestId('share-link').inputValue();
    // Act
    await page.reload();
    // Assess: same session, same log, newest first; the banner is not raised again
    await expect(page.getByTestId('share-link')).toHaveValue(link);
    const entries = page.getByTestId('alert-log').locator('li');
    await expect(entries).toHaveCount(2);
    await expect(entries.nth(0)).toContainText('High heart rate cleared: 120 bpm');
    await expect(entries.nth(1)).toContainText('High heart rate: 171 bpm (above 150 bpm)');
    await expect(page.getByTestId('alerts-enabled')).toBeChecked();
    await expect(page.getByTestId('alert-high')).toHaveCount(0);
  });

  test('shared rules reach the stream as a control record; the page says shared only once the stream holds it', async ({ page, stack, sensor }) => {
    // Prepare
    await page.goto(stack.appUrl);
    await turnAlertsOn(page, 158);
    const status = page.getByTestId('alerts-share-status');
    // Act: shared before any broadcast, then a broadcast starts with the first reading
    await page.getByTestId('alerts-share').check();
    await expect(status).toHaveText('Waiting to be sent: they go with your broadcast once it starts.');
    await pair(page, sensor);
    await sensor.notify([0x00, 80]);
    await expect(status).toHaveAttribute('data-phase', 'sent');
    await expect(status).toHaveText('Shared: the server has received them; viewers of your link see alerts as they happen.');
    await page.getByTestId('alerts-share').uncheck();
    await expect(status).toHaveText('Not shared: the server has received that viewers no longer see alerts.');
    // Assess
    const records = await readStream(stack);
    const ours = records.filter((r) => r.alerts !== undefined && r.alerts.settings.rules.some((rule) => rule.id === 'high' && rule.bpm === 158));
    expect(ours.map((r) => r.alerts?.share)).toEqual([true, false]);
    const [shared, withdrawn] = ours;
    expect(withdrawn?.key).toBe(shared?.key);
    expect(withdrawn!.seq).toBeGreaterThan(shared!.seq);
    expect(records.some((r) => r.key === shared?.key && r.bpm === 80)).toBe(true);
  });
});

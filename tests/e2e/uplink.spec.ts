/**
 * The durable uplink end to end, in real Chromium on the built app: emulated sensor → IndexedDB outbox →
 * the app's stream proxy → fault-injecting proxy → local Kinesis emulator, read back from the stream with a
 * Node Kinesis client. Every test asserts the exact set of (seq, value) the stream holds for the test's session: outcomes, never
 * how readings were grouped into requests, which depends on how busy the machine is. Backoffs run in real
 * time (at most UPLINK_BACKOFF.capMs): moving Playwright's clock past them would also fire the SDK's request
 * timeout on a request in flight, and turn a slow success into a resent duplicate.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import type { Page } from '@playwright/test';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack.ts';
import { EmulatedHeartRateSensor, expect, test as sensorTest } from './support/browser.ts';
import { FaultProxy, type FailureCode, type PutFault } from './support/fault-proxy.ts';

const STREAM = 'liveheartrate';
const REGION = 'us-east-1';

interface UplinkStack {
  stack: LocalStack;
  proxy: FaultProxy;
}

const test = sensorTest.extend<object, { uplinkStack: UplinkStack }>({
  uplinkStack: [
    async ({}, use) => {
      const proxy = await FaultProxy.start();
      const dataDir = await mkdtemp(join(tmpdir(), 'lhr-uplink-e2e-'));
      const stack = await startLocalStack({
        appPort: 0,
        kinesisPort: 0,
        streamName: STREAM,
        region: REGION,
        distDir: 'dist',
        dataDir,
        kinesisProxyUpstream: proxy.url,
      });
      proxy.target = stack.kinesisEndpoint;
      try {
        await use({ stack, proxy });
      } finally {
        await proxy.stop();
        await stack.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
    },
    // A bound: starting kinesalite, SQLite and the app server takes a while on a busy machine.
    { scope: 'worker', timeout: 90_000 },
  ],
});

// Emulation is browser-wide and the stream is shared by the worker: one test at a time.
test.describe.configure({ mode: 'serial' });
// A bound, not an expectation: on a busy machine each emulated notification is a slow round trip into the page.
test.setTimeout(180_000);

test.beforeEach(({ uplinkStack }) => {
  uplinkStack.proxy.reset();
});

interface StreamRecord {
  key: string;
  seq: number;
  t: number;
  bpm?: number;
  contact?: boolean;
  end?: boolean;
  partitionKey: string;
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
      for (const record of page.Records ?? []) {
        const text = new TextDecoder().decode(record.Data);
        records.push({ ...(JSON.parse(text) as Omit<StreamRecord, 'partitionKey'>), partitionKey: record.PartitionKey ?? '' });
      }
      // kinesalite may report MillisBehindLatest 0 with more records to come: read until a page is empty.
      if ((page.Records ?? []).length === 0) break;
      iterator = page.NextShardIterator;
    }
    return records;
  } finally {
    client.destroy();
  }
}

/** The records of the one session this test created (a key the stream did not hold before). */
async function recordsOfNewSession(stack: LocalStack, keysBefore: ReadonlySet<string>): Promise<StreamRecord[]> {
  const records = (await readStream(stack)).filter((r) => !keysBefore.has(r.key));
  expect(new Set(records.map((r) => r.key)).size).toBe(1);
  return records;
}

async function keysInStream(stack: LocalStack): Promise<Set<string>> {
  return new Set((await readStream(stack)).map((r) => r.key));
}

const bpmOf = (i: number): number => 60 + (i % 120);

/** Heart Rate Measurement: uint8 bpm, sensor contact supported and detected. */
async function sendReadings(sensor: EmulatedHeartRateSensor, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) await sensor.notify([0x06, bpmOf(i)]);
}

async function openAndConnect(page: Page, stack: LocalStack, sensor: EmulatedHeartRateSensor): Promise<void> {
  await page.goto(stack.appUrl);
  await expect(page.getByTestId('uplink-status')).not.toHaveAttribute('data-phase', 'starting');
  await page.getByRole('button', { name: 'Connect sensor' }).click();
  await sensor.waitForSubscription();
}

async function expectAllSent(page: Page, timeout = 30_000): Promise<void> {
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-count', '0', { timeout });
  await expect(page.getByTestId('uplink-status')).toHaveText('All readings sent', { timeout });
}

/** The stream holds each of seq 0..count-1 exactly once, with the value that reading had. */
function expectExactReadings(records: readonly StreamRecord[], count: number): void {
  const seqs = records.map((r) => r.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: count }, (_, i) => i));
  for (const record of records) {
    expect({ seq: record.seq, bpm: record.bpm, contact: record.contact }).toEqual({ seq: record.seq, bpm: bpmOf(record.seq), contact: true });
  }
  const bySeq = [...records].sort((a, b) => a.seq - b.seq);
  // Reading times follow the order the readings were taken in.
  expect(bySeq.every((r, i) => i === 0 || r.t >= (bySeq[i - 1]?.t ?? 0))).toBe(true);
}

/** Without entry-level failures the stream holds the readings in the order they were taken: oldest first. */
function expectArrivalInSeqOrder(records: readonly StreamRecord[]): void {
  expect(records.map((r) => r.seq)).toEqual(Array.from({ length: records.length }, (_, i) => i));
}

test('offline for a stretch of readings: every reading arrives once back online', async ({ page, context, sensor, uplinkStack }) => {
  // Prepare
  const { stack, proxy } = uplinkStack;
  const keysBefore = await keysInStream(stack);
  await openAndConnect(page, stack, sensor);
  await sendReadings(sensor, 0, 3);
  await expectAllSent(page);

  // Act
  await context.setOffline(true);
  await expect(page.getByTestId('uplink-status')).toHaveAttribute('data-phase', 'offline');
  const callsBeforeOffline = proxy.log.length;
  await sendReadings(sensor, 3, 12);
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-count', '12');
  const callsWhileOffline = proxy.log.length - callsBeforeOffline;
  await context.setOffline(false);
  await expectAllSent(page);

  // Assess: nothing was attempted while offline, and the backlog arrived whole, once, oldest first (in
  // however many requests: that depends on how far the writes were when the browser came back).
  expect(callsWhileOffline).toBe(0);
  const records = await recordsOfNewSession(stack, keysBefore);
  expectExactReadings(records, 15);
  expectArrivalInSeqOrder(records);
});

test('reload with readings pending: they arrive after the reload, in the same session, no seq reused', async ({ page, sensor, uplinkStack }) => {
  // Prepare
  const { stack, proxy } = uplinkStack;
  const keysBefore = await keysInStream(stack);
  await openAndConnect(page, stack, sensor);
  await sendReadings(sensor, 0, 3);
  await expectAllSent(page);
  proxy.unreachable = true;
  await sendReadings(sensor, 3, 4);
  // Stored in the outbox, not only received: a reload during the IndexedDB write would lose the newest one.
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-stored', '4');
  // The page reaches the app's stream proxy, which answers 502 for the stream behind it: out of reach.
  await expect(page.getByTestId('uplink-status')).toHaveText('Retrying: the stream cannot be reached');

  // Act
  await page.reload();
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-count', '4');
  await page.getByRole('button', { name: `Reconnect ${sensor.name}` }).click();
  await expect(page.getByTestId('sensor-status')).toHaveAttribute('data-status', 'live', { timeout: 15_000 });
  await sendReadings(sensor, 7, 3);
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-count', '7');
  proxy.unreachable = false;
  await expectAllSent(page, 60_000);

  // Assess
  const records = await recordsOfNewSession(stack, keysBefore);
  expectExactReadings(records, 10);
  expectArrivalInSeqOrder(records);
});

const CODES: readonly FailureCode[] = ['ProvisionedThroughputExceededException', 'InternalFailure'];

/**
 * Deterministic faults. A single-entry request (a live reading) meets, in turn: a partial failure of its one
 * entry, a throttled request, a 500, then a pass. A multi-entry request (a backlog) meets: a partial failure
 * of every third entry (both codes), a throttled request, another partial failure, a 500, then a pass.
 * Every cycle ends with a pass, so every reading gets through.
 */
function scriptedFaults(): (call: { entries: ReadonlyArray<unknown> }) => PutFault {
  let single = 0;
  let multi = 0;
  const everyThird = (count: number): PutFault => ({
    kind: 'partial',
    fail: Array.from({ length: count }, (_, index) => index)
      .filter((index) => index % 3 === 0)
      .map((index) => ({ index, code: CODES[(index / 3) % 2] ?? 'InternalFailure' })),
  });
  return ({ entries }) => {
    if (entries.length === 1) {
      const live: PutFault[] = [{ kind: 'partial', fail: [{ index: 0, code: 'InternalFailure' }] }, { kind: 'throttle' }, { kind: 'server-error' }, { kind: 'pass' }];
      return live[single++ % live.length] ?? { kind: 'pass' };
    }
    const backlog: PutFault[] = [everyThird(entries.length), { kind: 'throttle' }, everyThird(entries.length), { kind: 'server-error' }, { kind: 'pass' }];
    return backlog[multi++ % backlog.length] ?? { kind: 'pass' };
  };
}

test('partial failures, throttling and 500s: every reading arrives, and only failed entries are resent', async ({ page, context, sensor, uplinkStack }) => {
  // Prepare
  const { stack, proxy } = uplinkStack;
  const keysBefore = await keysInStream(stack);
  await openAndConnect(page, stack, sensor);
  proxy.plan = scriptedFaults();

  // Act: live readings (how many share a request depends on the machine's speed), then a backlog of 16 built
  // up offline, so that requests hold many entries.
  await sendReadings(sensor, 0, 8);
  await expectAllSent(page, 60_000);
  await context.setOffline(true);
  await expect(page.getByTestId('uplink-status')).toHaveAttribute('data-phase', 'offline');
  await sendReadings(sensor, 8, 16);
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-count', '16');
  await context.setOffline(false);
  await expectAllSent(page, 60_000);

  // Assess: the stream holds every reading exactly once.
  const records = await recordsOfNewSession(stack, keysBefore);
  expectExactReadings(records, 24);

  // Each entry was stored exactly once, only its last attempt succeeded, and it was sent again only after
  // an attempt that failed.
  const attempts = proxy.attemptsOf(records[0]?.key ?? '');
  expect([...attempts.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i));
  for (const [seq, list] of attempts) {
    const outcomes = list.map((a) => a.outcome);
    expect({ seq, stored: outcomes.filter((o) => o === 'stored').length, last: outcomes.at(-1) }).toEqual({ seq, stored: 1, last: 'stored' });
  }

  // The faults really happened: partial answers that stored some entries and failed others (with both
  // codes), whole requests throttled, and 500s.
  const partialMixed = proxy.log.filter(
    (call) => call.fault === 'partial' && call.entries.some((e) => e.outcome === 'stored') && call.entries.some((e) => e.outcome === 'failed'),
  );
  expect(partialMixed.length).toBeGreaterThan(0);
  expect(new Set(proxy.log.flatMap((call) => call.entries.map((e) => e.code)).filter(Boolean))).toEqual(new Set(CODES));
  expect(proxy.log.some((call) => call.fault === 'throttle')).toBe(true);
  expect(proxy.log.some((call) => call.fault === 'server-error')).toBe(true);
  // After a partial failure, the next request starts with exactly the entries that failed.
  for (const call of partialMixed) {
    const failed = call.entries.filter((e) => e.outcome === 'failed').map((e) => e.seq);
    const next = proxy.log.find((c) => c.call === call.call + 1);
    expect(next?.entries.slice(0, failed.length).map((e) => e.seq)).toEqual(failed);
  }
});

test('two tabs: one session, one flusher at a time, every reading sent once', async ({ context, uplinkStack }) => {
  // Prepare: a slow stream, so that a second flusher would send the same oldest entries while the first waits.
  const { stack, proxy } = uplinkStack;
  const keysBefore = await keysInStream(stack);
  proxy.latencyMs = 150;
  const tabs = [await context.newPage(), await context.newPage()];
  for (const tab of tabs) {
    await tab.goto(stack.appUrl);
    await expect(tab.getByTestId('uplink-status')).not.toHaveAttribute('data-phase', 'starting');
  }

  // Act: both tabs record demo readings into the shared outbox and both try to flush them.
  for (const tab of tabs) await tab.getByRole('button', { name: 'Try the demo sensor' }).click();
  await expect.poll(() => proxy.log.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(6);
  for (const tab of tabs) await tab.getByRole('button', { name: 'Disconnect' }).click();
  for (const tab of tabs) await expectAllSent(tab);

  // Assess: one session with seq 0..n-1, each stored once and sent once: no two flushers ever overlapped.
  const records = await recordsOfNewSession(stack, keysBefore);
  const seqs = records.map((r) => r.seq).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
  const attempts = proxy.attemptsOf(records[0]?.key ?? '');
  expect([...attempts.values()].every((list) => list.length === 1)).toBe(true);
});

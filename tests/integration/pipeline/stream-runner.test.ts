import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openCheckpointFile } from '../../../infra/local/checkpoints.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { startKinesisEmulator, type KinesisEmulator } from '../../../infra/local/kinesis-emulator.ts';
import { startStreamRunner, type StreamHandler, type StreamRunner } from '../../../infra/local/stream-runner.ts';

const STREAM = 'runner-test';
const FAST_RETRY = { baseMs: 5, capMs: 20 };

/** Waits until check() holds; `what` names it in the failure. */
async function waitUntil(check: () => boolean, what: string): Promise<void> {
  await vi.waitFor(() => expect(check(), what).toBe(true), { timeout: 10_000, interval: 10 });
}

async function putLines(client: KinesisClient, lines: string[], partitionKey: (i: number) => string = () => 'one-key'): Promise<void> {
  for (let start = 0; start < lines.length; start += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: lines.slice(start, start + 500).map((line, i) => ({ Data: Buffer.from(line), PartitionKey: partitionKey(start + i) })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

function decode(event: KinesisStreamEvent): string[] {
  return event.Records.map((record) => Buffer.from(record.kinesis.data, 'base64').toString());
}

describe('local stream runner (real kinesalite)', () => {
  let dir: string;
  let emulator: KinesisEmulator;
  let client: KinesisClient;
  let runner: StreamRunner | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-runner-'));
    emulator = await startKinesisEmulator({ port: 0, streamName: STREAM, shardCount: 2 });
    client = createNodeKinesisClient(emulator.endpoint, 'eu-west-1');
  });

  afterEach(async () => {
    await runner?.stop();
    runner = undefined;
    client.destroy();
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function start(handler: StreamHandler, extra: { batchSize?: number; pollIntervalMs?: number } = {}): Promise<StreamRunner> {
    return startStreamRunner({
      client,
      streamName: STREAM,
      region: 'eu-west-1',
      handler,
      checkpoints: openCheckpointFile(join(dir, 'checkpoints.json')),
      retryBackoff: FAST_RETRY,
      pollIntervalMs: 10,
      ...extra,
    });
  }

  it('hands the handler Kinesis-shaped events from every shard, each shard in order', async () => {
    // Prepare
    const events: KinesisStreamEvent[] = [];
    runner = await start(async (event) => {
      events.push(event);
    });
    const lines = Array.from({ length: 300 }, (_, i) => `line ${i}`);

    // Act
    await putLines(client, lines, (i) => `key-${i % 7}`);
    await waitUntil(() => events.reduce((n, e) => n + e.Records.length, 0) >= 300, '300 records');

    // Assess
    const records = events.flatMap((e) => e.Records);
    expect(records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()).sort()).toEqual([...lines].sort());
    const shards = new Set(records.map((r) => r.eventID.split(':')[0]));
    expect(shards.size).toBe(2);
    for (const shard of shards) {
      const seqs = records.filter((r) => r.eventID.startsWith(`${shard}:`)).map((r) => BigInt(r.kinesis.sequenceNumber));
      expect(seqs).toEqual([...seqs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    // Within one partition key, put order survives.
    const key3 = records.filter((r) => r.kinesis.partitionKey === 'key-3').map((r) => Number(Buffer.from(r.kinesis.data, 'base64').toString().split(' ')[1]));
    expect(key3).toEqual([...key3].sort((a, b) => a - b));
    const first = records[0];
    expect(first).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventVersion: '1.0',
      awsRegion: 'eu-west-1',
      eventSourceARN: expect.stringMatching(/^arn:aws:kinesis:[a-z0-9-]+:\d{12}:stream\/runner-test$/) as unknown,
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: expect.stringMatching(/^key-\d$/) as unknown },
    });
    expect(Math.abs((first?.kinesis.approximateArrivalTimestamp ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    expect(runner.shards.map((s) => s.from)).toEqual(['oldest', 'oldest']);
  });

  it('keeps consuming when a checkpoint cannot be saved, and says so', async () => {
    // Prepare: a checkpoint store on a full disk
    const delivered: string[] = [];
    const lines: string[] = [];
    const file = openCheckpointFile(join(dir, 'checkpoints.json'));
    runner = await startStreamRunner({
      client,
      streamName: STREAM,
      region: 'eu-west-1',
      handler: async (event) => {
        delivered.push(...event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()));
      },
      checkpoints: { ...file, save: () => Promise.reject(new Error('ENOSPC: no space left on device')) },
      retryBackoff: FAST_RETRY,
      pollIntervalMs: 10,
      log: (line) => lines.push(line),
    });
    // Act
    await putLines(client, ['a 1', 'a 2'], () => 'key-1');
    await waitUntil(() => delivered.length >= 2, 'the first two records');
    await putLines(client, ['a 3'], () => 'key-1');
    // Assess
    await waitUntil(() => delivered.length >= 3, 'a record after the failed save');
    expect(delivered).toEqual(['a 1', 'a 2', 'a 3']);
    expect(lines.some((l) => l.includes('could not save the checkpoint (ENOSPC'))).toBe(true);
  });

  it('says how far it has caught up: never past a record it has not handed over yet', async () => {
    // Prepare: a handler held until the test lets it go, so the runner is behind on purpose.
    const delivered: string[] = [];
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    runner = await start(async (event) => {
      await held;
      delivered.push(...event.Records.map((r) => Buffer.from(r.kinesis.data, 'base64').toString()));
    });
    await waitUntil(() => runner?.caughtUpTo() != null, 'a first empty read of every shard');

    // Act
    await putLines(client, ['b 1', 'b 2', 'b 3']);
    const putDoneAt = Date.now();
    const whileHeld = runner.caughtUpTo();
    release();
    await waitUntil(() => (runner?.caughtUpTo() ?? 0) >= putDoneAt, 'caught up past the puts');

    // Assess: behind, it stayed before the puts; once past them, everything put before had been delivered.
    expect(whileHeld).toBeLessThan(putDoneAt);
    expect([...delivered].sort()).toEqual(['b 1', 'b 2', 'b 3']);
  });

  it('delivers at most batchSize records per event', async () => {
    const sizes: number[] = [];
    runner = await start(async (event) => {
      sizes.push(event.Records.length);
    }, { batchSize: 100 });

    await putLines(client, Array.from({ length: 450 }, (_, i) => `r${i}`));
    await waitUntil(() => sizes.reduce((a, b) => a + b, 0) >= 450, '450 records');

    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(450);
  });

  it('re-delivers from the lowest reported failure and advances the checkpoint only past successes', async () => {
    // Prepare: the first call reports records 7 and 4 as failed; the second throws; then all is well.
    const calls: string[][] = [];
    runner = await start(async (event): Promise<KinesisStreamBatchResponse> => {
      calls.push(decode(event));
      if (calls.length === 1) {
        const ids = [event.Records[7], event.Records[4]].map((r) => ({ itemIdentifier: r?.kinesis.sequenceNumber ?? '' }));
        return { batchItemFailures: ids };
      }
      if (calls.length === 2) throw new Error('boom');
      return { batchItemFailures: [] };
    });
    const lines = Array.from({ length: 10 }, (_, i) => `r${i}`);

    // Act
    await putLines(client, lines);
    await waitUntil(() => calls.length >= 3, 'three calls');
    await runner.stop();

    // Assess
    expect(calls).toEqual([lines, lines.slice(4), lines.slice(4)]);
    expect(runner.stats()).toMatchObject({ failures: 2, records: 10 });
    const saved = JSON.parse(await readFile(join(dir, 'checkpoints.json'), 'utf8')) as { streams: Record<string, Record<string, { sequenceNumber: string }>> };
    expect(Object.values(saved.streams[STREAM] ?? {})).toHaveLength(1);
  });

  it('resumes after a restart from its checkpoint, without delivering anything twice', async () => {
    // Prepare
    const seen: string[] = [];
    const handler: StreamHandler = async (event) => {
      seen.push(...decode(event));
    };
    runner = await start(handler);
    await putLines(client, ['a', 'b', 'c'], (i) => `k${i}`);
    await waitUntil(() => seen.length >= 3, 'first records');
    await runner.stop();

    // Act
    await putLines(client, ['d', 'e'], (i) => `k${i}`);
    runner = await start(handler);
    await waitUntil(() => seen.length >= 5, 'records put while stopped');
    await runner.stop(); // lets any handler call in flight finish: a duplicate would be in `seen` now

    // Assess
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(runner.shards.some((s) => s.from === 'checkpoint')).toBe(true);
  });

  it('does not advance while stopped in a retry, so the failed records come again after a restart', async () => {
    let failing = true;
    const delivered: string[] = [];
    runner = await startStreamRunner({
      client,
      streamName: STREAM,
      region: 'eu-west-1',
      checkpoints: openCheckpointFile(join(dir, 'checkpoints.json')),
      pollIntervalMs: 10,
      retryBackoff: { baseMs: 60_000, capMs: 60_000 },
      handler: async (event) => {
        if (failing) throw new Error('store down');
        delivered.push(...decode(event));
      },
    });
    await putLines(client, ['x', 'y']);
    await waitUntil(() => runner?.stats().failures === 1, 'a failure');

    // Resolves without waiting out the minute of backoff (the test's timeout would catch that).
    await runner.stop();
    failing = false;
    runner = await start(async (event) => {
      delivered.push(...decode(event));
    });
    await waitUntil(() => delivered.length >= 2, 'redelivery');

    expect(delivered).toEqual(['x', 'y']);
  });

  it('starts from the oldest record when its checkpoint belongs to an earlier stream (an emulator restarted in memory)', async () => {
    // Prepare: checkpoints from a first emulator run
    const seen: string[] = [];
    runner = await start(async (event) => {
      seen.push(...decode(event));
    });
    await putLines(client, ['old-1', 'old-2']);
    await waitUntil(() => seen.length >= 2, 'old records');
    await runner.stop();
    client.destroy();
    await emulator.stop();

    // Act: a new in-memory emulator with the same stream name and shard ids
    emulator = await startKinesisEmulator({ port: 0, streamName: STREAM, shardCount: 2 });
    client = createNodeKinesisClient(emulator.endpoint, 'eu-west-1');
    await putLines(client, ['new-1', 'new-2', 'new-3']);
    runner = await start(async (event) => {
      seen.push(...decode(event));
    });
    await waitUntil(() => seen.length >= 5, 'new records');

    // Assess
    expect(seen).toEqual(['old-1', 'old-2', 'new-1', 'new-2', 'new-3']);
    expect(runner.shards.map((s) => s.from)).toEqual(['oldest', 'oldest']);
  });

  it('falls back to the oldest record when the checkpoint file is unreadable or its sequence numbers are foreign', async () => {
    await writeFile(join(dir, 'checkpoints.json'), '{not json');
    const seen: string[] = [];
    runner = await start(async (event) => {
      seen.push(...decode(event));
    });
    await putLines(client, ['a']);
    await waitUntil(() => seen.length >= 1, 'a record');
    await runner.stop();
    const saved = JSON.parse(await readFile(join(dir, 'checkpoints.json'), 'utf8')) as { streams: Record<string, Record<string, { shardStart: string; sequenceNumber: string }>> };
    const shards = saved.streams[STREAM] ?? {};
    // Same shard start, but a sequence number this stream never issued.
    for (const checkpoint of Object.values(shards)) checkpoint.sequenceNumber = '49680651473899086716379523337260302191431456221718118418';
    await writeFile(join(dir, 'checkpoints.json'), JSON.stringify(saved));

    runner = await start(async (event) => {
      seen.push(...decode(event));
    });
    await waitUntil(() => seen.length >= 2, 'a re-delivery');

    expect(seen).toEqual(['a', 'a']);
    expect(runner.shards.map((s) => s.from)).toEqual(['oldest', 'oldest']);
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeRecord, type ControlRecord, type ReadingRecord } from '../../../src/core/record.ts';
import { processKinesisBatch, type ConsumerBatchResult } from '../../../functions/consumer/process-batch.ts';
import { silentLogger } from '../../../functions/lib/logger.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';
import { openCheckpointFile } from '../../../infra/local/checkpoints.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { startKinesisEmulator, type KinesisEmulator } from '../../../infra/local/kinesis-emulator.ts';
import { startLocalStack, type LocalStack } from '../../../infra/local/local-stack.ts';
import { startStreamRunner, type StreamRunner } from '../../../infra/local/stream-runner.ts';
import { sessionKeys } from '../../unit/functions/support/kinesis-events.ts';

interface ReadingsAnswer {
  status: string;
  readings: Array<{ seq: number; bpm: number }>;
  next: string;
  more: boolean;
}

function readingAt(key: string, seq: number, bpm = 60 + (seq % 40)): ReadingRecord {
  return { v: 1, key, seq, t: Date.now() - 10_000 + seq, bpm, contact: true };
}

async function put(client: KinesisClient, streamName: string, viewId: string, records: Array<ReadingRecord | ControlRecord | string>): Promise<void> {
  for (let start = 0; start < records.length; start += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: records.slice(start, start + 500).map((r) => ({ Data: Buffer.from(typeof r === 'string' ? r : encodeRecord(r)), PartitionKey: viewId })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

/** Probes until done(value) holds and returns that value; `what` names it in the failure. */
function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      expect(done(value), `${what}: ${JSON.stringify(value).slice(0, 300)}`).toBe(true);
      return value;
    },
    { timeout: 15_000, interval: 25 },
  );
}

/** Follows the readings of a session over HTTP with the cursor, as a viewer does. */
async function followAll(apiUrl: string, viewId: string, after = '0'): Promise<{ seqs: number[]; next: string; status: string }> {
  const seqs: number[] = [];
  let cursor = after;
  for (;;) {
    const answer = (await (await fetch(`${apiUrl}/sessions/${viewId}/readings?after=${cursor}&limit=1000`)).json()) as ReadingsAnswer;
    seqs.push(...answer.readings.map((r) => r.seq));
    cursor = answer.next;
    if (!answer.more) return { seqs, next: cursor, status: answer.status };
  }
}

describe('embedded pipeline end to end: put on the local stream → runner → consumer → SQLite → live API over HTTP', () => {
  let root: string;
  let stack: LocalStack | undefined;
  let client: KinesisClient | undefined;
  const lines: string[] = [];
  const { key, viewId } = sessionKeys(11);

  async function startStack(): Promise<LocalStack> {
    client?.destroy();
    stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: 'pipeline',
      region: 'us-east-1',
      distDir: root,
      dataDir: join(root, 'data'),
      pollIntervalMs: 20,
      log: (line) => lines.push(line),
    });
    client = createNodeKinesisClient(stack.kinesisEndpoint, 'us-east-1');
    return stack;
  }

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-pipeline-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
  });

  afterAll(async () => {
    client?.destroy();
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves readings put on the stream through the live API, each once, in ingestion order', async () => {
    // Prepare
    const s = await startStack();
    const readings = Array.from({ length: 1200 }, (_, seq) => readingAt(key, seq));
    // A producer resend (seq 5 again) and garbage mixed in.
    const records = [...readings.slice(0, 600), readings[5] as ReadingRecord, '{"v":1,"bpm":72}\n', 'garbage', ...readings.slice(600)];

    // Act
    await put(client as KinesisClient, 'pipeline', viewId, records);
    const followed = await waitFor(() => followAll(s.apiUrl, viewId), (f) => f.seqs.length >= 1200, '1200 readings');

    // Assess
    expect(followed.seqs).toEqual(readings.map((r) => r.seq));
    expect(followed.status).toBe('live');
    const session = (await (await fetch(`${s.apiUrl}/sessions/${viewId}`)).json()) as Record<string, unknown>;
    expect(session).toMatchObject({ status: 'live', count: 1200, lastSeq: 1199, min: 60, max: 99, cursor: '1200' });
    expect(lines.filter((l) => l.startsWith('consumer') && l.includes('dropped'))).not.toHaveLength(0);
    expect(lines.join('\n')).not.toContain(key);
  });

  it('shows the end of a broadcast', async () => {
    const s = stack as LocalStack;

    await put(client as KinesisClient, 'pipeline', viewId, [{ v: 1, key, seq: 1200, t: Date.now(), end: true }]);
    const session = await waitFor(
      async () => (await (await fetch(`${s.apiUrl}/sessions/${viewId}`)).json()) as Record<string, unknown>,
      (body) => body.status === 'ended',
      'ended',
    );

    expect(session).toMatchObject({ status: 'ended', count: 1200 });
  });

  it('continues after a restart: the store keeps its readings and new ones follow without duplicates', async () => {
    // Prepare
    const before = await followAll((stack as LocalStack).apiUrl, viewId);
    await (stack as LocalStack).stop();
    lines.length = 0;

    // Act
    const s = await startStack();
    const afterRestart = await followAll(s.apiUrl, viewId);
    const more = Array.from({ length: 50 }, (_, i) => readingAt(key, 1201 + i));
    await put(client as KinesisClient, 'pipeline', viewId, more);
    const followed = await waitFor(() => followAll(s.apiUrl, viewId, before.next), (f) => f.seqs.length >= 50, '50 new readings');

    // Assess
    expect(lines.find((l) => l.startsWith('store'))).toContain('(1200 readings)');
    expect(afterRestart.seqs).toEqual(before.seqs);
    expect(followed.seqs).toEqual(more.map((r) => r.seq));
    expect(s.liveStore).toBeDefined();
    const session = (await (await fetch(`${s.apiUrl}/sessions/${viewId}`)).json()) as Record<string, unknown>;
    expect(session).toMatchObject({ count: 1250, lastSeq: 1250, status: 'live' });
  });
});

describe('embedded pipeline with the stream kept on disk (as npm start runs it)', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-pipeline-disk-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const start = (pollIntervalMs: number) =>
    startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: 'disk',
      region: 'us-east-1',
      distDir: root,
      dataDir: join(root, 'data'),
      kinesisStorePath: join(root, 'data', 'stream'),
      pollIntervalMs,
    });

  it('reads after a restart what the stream accepted but the consumer had not read when the stack stopped', async () => {
    // Prepare: a consumer that polls only once a minute, so accepted readings are still unread at stop
    const { key, viewId } = sessionKeys(12);
    const first = await start(60_000);
    const firstClient = createNodeKinesisClient(first.kinesisEndpoint, 'us-east-1');
    await vi.waitFor(() => expect(first.consumerStats().polls).toBeGreaterThan(0)); // its first poll found nothing
    await put(firstClient, 'disk', viewId, Array.from({ length: 30 }, (_, i) => readingAt(key, i)));
    const unreadAtStop = (await first.liveStore.getSession(viewId))?.count ?? 0;
    firstClient.destroy();
    await first.stop();

    // Act
    const second = await start(20);
    try {
      // Assess
      const followed = await waitFor(() => followAll(second.apiUrl, viewId), (f) => f.seqs.length >= 30, '30 readings after the restart');
      expect(unreadAtStop).toBe(0);
      expect(followed.seqs).toEqual(Array.from({ length: 30 }, (_, i) => i));
    } finally {
      await second.stop();
    }
  });
});

describe('stream runner restart with the real consumer and store', () => {
  let root: string;
  let emulator: KinesisEmulator;
  let client: KinesisClient;
  let store: SqliteLiveStore;
  let runner: StreamRunner | undefined;
  const results: ConsumerBatchResult[] = [];
  const { key, viewId } = sessionKeys(12);

  afterEach(async () => {
    await runner?.stop();
    await store?.close();
    client?.destroy();
    await emulator?.stop();
    await rm(root, { recursive: true, force: true });
  });

  function startRunner(): Promise<StreamRunner> {
    return startStreamRunner({
      client,
      streamName: 'restart',
      region: 'us-east-1',
      pollIntervalMs: 10,
      checkpoints: openCheckpointFile(join(root, 'checkpoints.json')),
      handler: async (event) => {
        const result = await processKinesisBatch(event, { store, now: Date.now, log: silentLogger });
        results.push(result);
        return result;
      },
    });
  }

  it('resumes from its checkpoint: nothing is delivered twice and the store holds every reading once', async () => {
    // Prepare
    root = await mkdtemp(join(tmpdir(), 'lhr-restart-'));
    emulator = await startKinesisEmulator({ port: 0, streamName: 'restart' });
    client = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
    store = openSqliteStore(join(root, 'live.db'));
    runner = await startRunner();
    await put(client, 'restart', viewId, Array.from({ length: 700 }, (_, seq) => readingAt(key, seq)));
    await waitFor(async () => store.countAllReadings(), (n) => n >= 700, '700 readings');
    await runner.stop();

    // Act
    await put(client, 'restart', viewId, Array.from({ length: 300 }, (_, i) => readingAt(key, 700 + i)));
    runner = await startRunner();
    await waitFor(async () => store.countAllReadings(), (n) => n >= 1000, '1000 readings');
    await runner.stop(); // lets any handler call in flight finish: a duplicate would be counted now

    // Assess
    expect(runner.shards).toEqual([{ shardId: 'shardId-000000000000', from: 'checkpoint' }]);
    expect(results.reduce((n, r) => n + r.duplicates, 0)).toBe(0);
    expect(results.reduce((n, r) => n + r.stored, 0)).toBe(1000);
    expect(store.countAllReadings()).toBe(1000);
    expect(await store.getSession(viewId)).toMatchObject({ count: 1000, lastSeq: 999 });
  });
});

// A hostile writer against the embedded stack's real parts (kinesalite, the stream runner, the consumer handler,
// SQLite): guest credentials allow PutRecords under any key, so nothing but the consumer stands between a flood
// and the live store. The store must stay bounded and a real session interleaved with the flood untouched.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeRecord, type ReadingRecord } from '../../../src/core/record.ts';
import { SESSION_RATE_LIMIT } from '../../../src/core/session-rate-limit.ts';
import { SESSION_RETENTION } from '../../../src/core/session-retention.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../../src/core/session-key.ts';
import { deleteInactiveSessions } from '../../../functions/retention/delete-inactive-sessions.ts';
import { silentLogger } from '../../../functions/lib/logger.ts';
import { openSqliteStore } from '../../../functions/store/sqlite-store.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { startEmbeddedBackend, type EmbeddedBackend } from '../../../infra/local/local-stack.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const RANDOM_KEYS = 2_000;
const BACK_DATED_KEYS = 1_000;
const FLOOD_OVER_BURST = 800;
const REAL_READINGS = 300;

function randomKey(): string {
  return createWriteKey((length) => new Uint8Array(randomBytes(length)));
}

function readingOf(key: string, seq: number, t: number): ReadingRecord {
  return { v: 1, key, seq, t, bpm: 60 + (seq % 40), contact: true };
}

async function put(client: KinesisClient, streamName: string, records: readonly ReadingRecord[]): Promise<void> {
  for (let start = 0; start < records.length; start += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: streamName,
        Records: records.slice(start, start + 500).map((r) => ({ Data: Buffer.from(encodeRecord(r)), PartitionKey: derivePartitionKey(r.key) })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

/** Sums a field of the consumer's batch lines (the EMF metrics and per-reason drop counts ride on them). */
function sumOfLogged(lines: readonly string[], pick: (fields: { RateLimitedRecords?: number; DroppedRecords?: number; dropped?: Record<string, number> }) => number | undefined): number {
  return lines
    .filter((line) => line.startsWith('consumer') && line.includes('consumer batch'))
    .map((line) => JSON.parse(line.slice(line.indexOf('{'))) as Parameters<typeof pick>[0])
    .reduce((sum, fields) => sum + (pick(fields) ?? 0), 0);
}

describe('a flood of random keys and back-dated readings on the embedded stack', () => {
  let root: string | undefined;
  let backend: EmbeddedBackend | undefined;
  let client: KinesisClient | undefined;

  afterEach(async () => {
    client?.destroy();
    await backend?.stop();
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });

  it('leaves the live store bounded, a real session untouched, and old sessions to the retention', { timeout: 180_000 }, async () => {
    // Prepare: a real 1 Hz session; one writer far over the rate limit; thousands of one-reading keys, a third
    // of them back-dated three days. Everything interleaved, in PutRecords calls of 500 as a writer would send.
    root = await mkdtemp(join(tmpdir(), 'lhr-flood-'));
    const lines: string[] = [];
    backend = await startEmbeddedBackend({ kinesisPort: 0, streamName: 'flood', region: 'us-east-1', dataDir: join(root, 'data'), pollIntervalMs: 20, log: (line) => lines.push(line) });
    client = createNodeKinesisClient(backend.kinesisEndpoint, 'us-east-1');
    const startedAt = Date.now();
    const real = randomKey();
    const flooder = randomKey();
    const floodCount = SESSION_RATE_LIMIT.burst + FLOOD_OVER_BURST;
    const realReadings = Array.from({ length: REAL_READINGS }, (_, seq) => readingOf(real, seq, startedAt - (REAL_READINGS - seq) * 1000));
    const floodReadings = Array.from({ length: floodCount }, (_, seq) => readingOf(flooder, seq, startedAt));
    const strangers = Array.from({ length: RANDOM_KEYS }, () => readingOf(randomKey(), 0, startedAt));
    const backDated = Array.from({ length: BACK_DATED_KEYS }, () => readingOf(randomKey(), 0, startedAt - 3 * DAY_MS));
    const others = [...floodReadings, ...strangers, ...backDated];
    const records: ReadingRecord[] = [];
    // One real reading after every few hostile ones, so the real session's readings share batches with the flood.
    const every = Math.ceil(others.length / REAL_READINGS);
    for (let i = 0; i < others.length; i++) {
      records.push(others[i] as ReadingRecord);
      if (i % every === 0 && realReadings.length > 0) records.push(realReadings.shift() as ReadingRecord);
    }
    records.push(...realReadings);

    // Act
    await put(client, 'flood', records);
    const stack = backend;
    await vi.waitFor(() => expect(stack.consumerStats().records).toBeGreaterThanOrEqual(records.length), { timeout: 150_000, interval: 50 });
    const elapsedSeconds = (Date.now() - startedAt) / 1000;

    // Assess: the real session has every reading, once, in order of its seq.
    const store = backend.liveStore;
    const realView = deriveViewId(real);
    expect(await store.getSession(realView)).toMatchObject({ count: REAL_READINGS, lastSeq: REAL_READINGS - 1 });
    const realPage = await store.getReadings(realView, '0', 1000);
    expect(realPage.readings.map((r) => r.seq)).toEqual(Array.from({ length: REAL_READINGS }, (_, seq) => seq));

    // The flooding session is cut to its bucket: the burst plus what the rate refilled while the test ran.
    const flooded = (await store.getSession(deriveViewId(flooder)))?.count ?? 0;
    expect(flooded).toBeGreaterThanOrEqual(SESSION_RATE_LIMIT.burst);
    expect(flooded).toBeLessThanOrEqual(SESSION_RATE_LIMIT.burst + Math.ceil(SESSION_RATE_LIMIT.ratePerSecond * elapsedSeconds));
    expect(sumOfLogged(lines, (f) => f.RateLimitedRecords)).toBe(floodCount - flooded);

    // Back-dated readings never reach the store; the strangers' one reading each does.
    expect(sumOfLogged(lines, (f) => f.dropped?.['outside-horizon'])).toBe(BACK_DATED_KEYS);
    expect(sumOfLogged(lines, (f) => f.DroppedRecords)).toBe(BACK_DATED_KEYS + floodCount - flooded);
    expect(store.countAllReadings()).toBe(REAL_READINGS + flooded + RANDOM_KEYS);
    expect(await store.getSession(deriveViewId(backDated[0]?.key as string))).toBeNull();
    expect(backend.consumerStats().failures).toBe(0);

    // After the retention (run as the timer runs it, with `now` a retention plus a day on), every session is gone.
    const deleted = await deleteInactiveSessions({
      store,
      now: () => startedAt + (SESSION_RETENTION.days + 1) * DAY_MS,
      retentionDays: SESSION_RETENTION.days,
      log: silentLogger,
    });
    expect(deleted).toBe(2 + RANDOM_KEYS);
    expect(store.countAllReadings()).toBe(0);
    expect(await store.getSession(realView)).toBeNull();
  });

  it('keeps sessions active within the retention when the retention runs', async () => {
    // Prepare
    root = await mkdtemp(join(tmpdir(), 'lhr-flood-'));
    backend = await startEmbeddedBackend({ kinesisPort: 0, streamName: 'keep', region: 'us-east-1', dataDir: join(root, 'data'), pollIntervalMs: 20 });
    client = createNodeKinesisClient(backend.kinesisEndpoint, 'us-east-1');
    const key = randomKey();
    await put(client, 'keep', [readingOf(key, 0, Date.now())]);
    const stack = backend;
    await vi.waitFor(() => expect(stack.liveStore.countAllReadings()).toBe(1), { timeout: 15_000, interval: 25 });

    // Act: a day short of the retention.
    const deleted = await deleteInactiveSessions({
      store: backend.liveStore,
      now: () => Date.now() + (SESSION_RETENTION.days - 1) * DAY_MS,
      retentionDays: SESSION_RETENTION.days,
      log: silentLogger,
    });

    // Assess
    expect(deleted).toBe(0);
    expect(await backend.liveStore.getSession(deriveViewId(key))).toMatchObject({ count: 1 });
  });

  it('runs the retention on its own when the embedded stack starts, and stops it with the stack', async () => {
    // Prepare: a live.db left from a broadcast that ended more than the retention ago, and one from yesterday.
    root = await mkdtemp(join(tmpdir(), 'lhr-flood-'));
    const dataDir = join(root, 'data');
    await mkdir(dataDir, { recursive: true });
    const old = deriveViewId(randomKey());
    const recent = deriveViewId(randomKey());
    const seed = openSqliteStore(join(dataDir, 'live.db'));
    const longAgo = Date.now() - (SESSION_RETENTION.days + 1) * DAY_MS;
    const yesterday = Date.now() - DAY_MS;
    await seed.writeBatch([
      { kind: 'reading', viewId: old, seq: 0, t: longAgo, bpm: 70, receivedAt: longAgo, streamSeq: '1' },
      { kind: 'reading', viewId: recent, seq: 0, t: yesterday, bpm: 70, receivedAt: yesterday, streamSeq: '2' },
    ]);
    await seed.close();

    // Act
    backend = await startEmbeddedBackend({ kinesisPort: 0, streamName: 'start', region: 'us-east-1', dataDir, pollIntervalMs: 20 });
    const store = backend.liveStore;
    await vi.waitFor(async () => expect(await store.getSession(old)).toBeNull(), { timeout: 15_000, interval: 25 });
    await backend.stop();
    backend = undefined;

    // Assess
    const reopened = openSqliteStore(join(dataDir, 'live.db'));
    const kept = await reopened.getSession(recent);
    const count = reopened.countAllReadings();
    await reopened.close();
    expect(kept).toMatchObject({ count: 1 });
    expect(count).toBe(1);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { LIVE_HORIZON } from '../../../src/core/live-horizon.ts';
import { MAX_RECORD_BYTES, type ReadingRecord } from '../../../src/core/record.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { processKinesisBatch, type ConsumerBatchResult } from '../../../functions/consumer/process-batch.ts';
import { createDropCounts, type ConsumerDropReason } from '../../../functions/consumer/drop-counts.ts';
import type { Logger } from '../../../functions/lib/logger.ts';
import type { LiveStore, StoredReading } from '../../../functions/store/live-store.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';
import { createFaultyStore, type FaultyStore } from '../../unit/functions/support/faulty-store.ts';
import { NOW, control, kinesisEvent, reading, redeliverFrom, sessionKeys, type RawRecord } from '../../unit/functions/support/kinesis-events.ts';

const { key, viewId } = sessionKeys(1);

interface LogLine {
  level: 'info' | 'error';
  message: string;
  fields: Record<string, unknown> | undefined;
}

function recordingLogger(lines: LogLine[]): Logger {
  return {
    info: (message, fields) => lines.push({ level: 'info', message, fields }),
    error: (message, fields) => lines.push({ level: 'error', message, fields }),
  };
}

async function readAll(store: LiveStore, view = viewId): Promise<StoredReading[]> {
  const all: StoredReading[] = [];
  let cursor = '0';
  for (;;) {
    const page = await store.getReadings(view, cursor, 1000);
    all.push(...page.readings);
    cursor = page.cursor;
    if (!page.more) return all;
  }
}

function expectedReading(r: ReadingRecord): StoredReading {
  const out: StoredReading = { seq: r.seq, t: r.t, bpm: r.bpm };
  if (r.rr !== undefined) out.rr = r.rr;
  if (r.contact !== undefined) out.contact = r.contact;
  if (r.kj !== undefined) out.kj = r.kj;
  return out;
}

function dropsOf(partial: Partial<Record<ConsumerDropReason, number>>): Record<ConsumerDropReason, number> {
  return { ...createDropCounts(), ...partial };
}

// Each malformed kind the consumer must drop, as raw record data.
const validJson = (fields: Record<string, unknown>): string => JSON.stringify({ v: 1, key, seq: 50, t: NOW - 5000, bpm: 70, ...fields });
const MALFORMED: Array<{ reason: ConsumerDropReason; data: string | Uint8Array }> = [
  { reason: 'oversize', data: validJson({ pad: 'x'.repeat(MAX_RECORD_BYTES) }) },
  { reason: 'oversize', data: 'A'.repeat(10_000) },
  { reason: 'not-utf8', data: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) },
  { reason: 'not-json', data: '{"v":1,"key":' },
  { reason: 'not-json', data: '' },
  { reason: 'not-object', data: '[1,2,3]' },
  { reason: 'not-object', data: 'null' },
  { reason: 'unknown-version', data: validJson({ v: 2 }) },
  { reason: 'bad-key', data: validJson({ key: 'not-a-key' }) },
  { reason: 'bad-seq', data: validJson({ seq: -1 }) },
  { reason: 'bad-seq', data: validJson({ seq: 1.5 }) },
  { reason: 'bad-time', data: validJson({ t: Date.UTC(2019, 0, 1) }) },
  { reason: 'bad-time', data: validJson({ t: NOW + 3_600_000 }) },
  { reason: 'bad-bpm', data: validJson({ bpm: 300 }) },
  { reason: 'bad-bpm', data: validJson({ bpm: '70' }) },
  { reason: 'bad-rr', data: validJson({ rr: [0] }) },
  { reason: 'bad-contact', data: validJson({ contact: 'yes' }) },
  { reason: 'bad-kj', data: validJson({ kj: -1 }) },
  { reason: 'bad-control', data: JSON.stringify({ v: 1, key, seq: 51, t: NOW - 1000, end: false }) },
  { reason: 'bad-control', data: JSON.stringify({ v: 1, key, seq: 51, t: NOW - 1000, end: true, bpm: 70 }) },
  { reason: 'contact-gap', data: validJson({ bpm: 0, contact: false }) },
];

describe('stream consumer (processKinesisBatch) into the SQLite store', () => {
  let dir: string;
  let sqlite: SqliteLiveStore;
  let store: FaultyStore;
  let logs: LogLine[];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-consumer-'));
    sqlite = openSqliteStore(join(dir, 'live.db'));
    store = createFaultyStore(sqlite);
    logs = [];
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function run(event: KinesisStreamEvent, now = NOW): Promise<ConsumerBatchResult> {
    return processKinesisBatch(event, { store, now: () => now, log: recordingLogger(logs) });
  }

  /** What Lambda does with ReportBatchItemFailures: re-deliver from the reported record until none is reported. */
  async function runUntilDone(event: KinesisStreamEvent): Promise<ConsumerBatchResult[]> {
    const results: ConsumerBatchResult[] = [];
    let pending: KinesisStreamEvent | undefined = event;
    while (pending !== undefined) {
      const result = await run(pending);
      results.push(result);
      const failure = result.batchItemFailures[0];
      pending = failure === undefined ? undefined : redeliverFrom(pending, failure.itemIdentifier);
      if (results.length > 10) throw new Error('no progress');
    }
    return results;
  }

  it.each(MALFORMED.map((m, i) => ({ ...m, i })))('drops $reason (case $i) and keeps the valid readings around it', async ({ reason, data }) => {
    // Prepare
    const valid = [reading(key, 0), reading(key, 1)];
    const event = kinesisEvent([valid[0] as ReadingRecord, { data }, valid[1] as ReadingRecord]);

    // Act
    const result = await run(event);

    // Assess
    expect(result.batchItemFailures).toEqual([]);
    expect(result.dropped).toEqual(dropsOf({ [reason]: 1 }));
    expect(result.stored).toBe(2);
    expect(await readAll(sqlite)).toEqual(valid.map(expectedReading));
  });

  it('drops every malformed kind in one batch, counts each reason, and logs one line without personal data', async () => {
    const valid = Array.from({ length: 5 }, (_, seq) => reading(key, seq, { bpm: 131 + seq, rr: [777] }));
    const records: RawRecord[] = [...MALFORMED.map(({ data }) => ({ data })), ...valid.map((r) => ({ data: r }))];
    const expected: Partial<Record<ConsumerDropReason, number>> = {};
    for (const { reason } of MALFORMED) expected[reason] = (expected[reason] ?? 0) + 1;

    const result = await run(kinesisEvent(records));

    expect(result.dropped).toEqual(dropsOf(expected));
    expect(result.batchItemFailures).toEqual([]);
    expect(await readAll(sqlite)).toEqual(valid.map(expectedReading));
    expect(logs).toHaveLength(1);
    const line = JSON.stringify(logs[0]);
    for (const secret of [key, viewId, '131', '777']) expect(line).not.toContain(secret);
    expect(logs[0]?.fields).toMatchObject({ records: records.length, stored: 5, dropped: expected });
  });

  it('logs nothing for a clean batch', async () => {
    await run(kinesisEvent([reading(key, 0)]));

    expect(logs).toEqual([]);
  });

  it('changes nothing when the same batch is delivered twice', async () => {
    const valid = Array.from({ length: 10 }, (_, seq) => reading(key, seq, { bpm: 60 + seq * 3 }));
    const event = kinesisEvent([...valid, { data: 'garbage' }]);

    const first = await run(event);
    const before = await sqlite.getSession(viewId);
    const second = await run(event);

    expect(first).toMatchObject({ stored: 10, duplicates: 0 });
    expect(second).toMatchObject({ stored: 0, duplicates: 10, batchItemFailures: [] });
    expect(await sqlite.getSession(viewId)).toEqual(before);
    expect(before).toMatchObject({ count: 10, minBpm: 60, maxBpm: 87, avgBpm: 73.5 });
    expect(await readAll(sqlite)).toEqual(valid.map(expectedReading));
  });

  it('collapses a producer resend inside one batch and across batches', async () => {
    const r = reading(key, 3, { bpm: 99 });

    await run(kinesisEvent([r, r]));
    await run(kinesisEvent([r], 10));

    expect(sqlite.countAllReadings()).toBe(1);
    expect(await sqlite.getSession(viewId)).toMatchObject({ count: 1, avgBpm: 99 });
  });

  describe('a store failing in the middle of a batch, then recovering', () => {
    const valid = Array.from({ length: 20 }, (_, seq) => reading(key, seq, { bpm: 50 + seq }));
    // Malformed records and a resend mixed in, as a real shard would carry them.
    const records: RawRecord[] = [
      ...valid.slice(0, 7).map((data) => ({ data })),
      { data: 'not json' },
      ...valid.slice(7, 14).map((data) => ({ data })),
      { data: valid[2] as ReadingRecord },
      ...valid.slice(14).map((data) => ({ data })),
    ];

    async function assessExactlyOnce(): Promise<void> {
      expect(await readAll(sqlite)).toHaveLength(20);
      expect((await readAll(sqlite)).map((r) => r.seq).sort((a, b) => a - b)).toEqual(valid.map((r) => r.seq));
      expect(await sqlite.getSession(viewId)).toMatchObject({ count: 20, minBpm: 50, maxBpm: 69, avgBpm: 59.5, lastSeq: 19, lastBpm: 69 });
    }

    it('reports the first failed record when items fail from the middle on', async () => {
      store.faults.push({ kind: 'fail-from', index: 10 });
      const event = kinesisEvent(records);

      const results = await runUntilDone(event);

      // Item 10 is the 11th valid record, which sits after the malformed one at index 7.
      expect(results[0]?.batchItemFailures).toEqual([{ itemIdentifier: event.Records[11]?.kinesis.sequenceNumber }]);
      expect(results).toHaveLength(2);
      await assessExactlyOnce();
      expect(results.reduce((sum, r) => sum + r.dropped['not-json'], 0)).toBe(1);
      expect(results.reduce((sum, r) => sum + r.stored, 0)).toBe(20);
      expect(logs.filter((l) => l.level === 'error')).toHaveLength(1);
    });

    it('reports the lowest failure when scattered items fail and later ones were written', async () => {
      store.faults.push({ kind: 'fail-only', indexes: [15, 4, 9] });
      const event = kinesisEvent(records);

      const results = await runUntilDone(event);

      expect(results[0]?.batchItemFailures).toEqual([{ itemIdentifier: event.Records[4]?.kinesis.sequenceNumber }]);
      await assessExactlyOnce();
      // The first call counts only the 4 records before the reported one; the retry stores the 3 that failed and
      // finds the ones written after the failure already there.
      expect(results.map((r) => [r.stored, r.duplicates])).toEqual([
        [4, 0],
        [3, 14],
      ]);
    });

    it('reports the first valid record when the whole store call throws, several times in a row', async () => {
      store.faults.push({ kind: 'throw' }, { kind: 'fail-from', index: 3 }, { kind: 'throw' });
      const event = kinesisEvent([{ data: '{' }, ...records]);

      const results = await runUntilDone(event);

      expect(results[0]?.batchItemFailures).toEqual([{ itemIdentifier: event.Records[1]?.kinesis.sequenceNumber }]);
      expect(results).toHaveLength(4);
      await assessExactlyOnce();
      expect(results.reduce((sum, r) => sum + r.dropped['not-json'], 0)).toBe(2);
    });
  });

  it('counts a record the store rejects for good as a drop, not a failure', async () => {
    const rejecting: LiveStore = {
      ...sqlite,
      writeBatch: async (items) => items.map((_, i) => (i === 1 ? { status: 'rejected', error: 'mapper_parsing_exception (400)' } : { status: 'stored' })),
    };

    const result = await processKinesisBatch(kinesisEvent([reading(key, 0), reading(key, 1), reading(key, 2)]), {
      store: rejecting,
      now: () => NOW,
      log: recordingLogger(logs),
    });

    expect(result).toMatchObject({ batchItemFailures: [], stored: 2, dropped: dropsOf({ 'store-rejected': 1 }) });
    expect(logs).toHaveLength(1);
  });

  it('derives the view id from the write key and stores neither the key nor readings under another session', async () => {
    const other = sessionKeys(2);

    await run(kinesisEvent([reading(key, 0, { bpm: 70 }), reading(other.key, 0, { bpm: 120 })]));

    expect((await sqlite.getSession(viewId))?.maxBpm).toBe(70);
    expect((await sqlite.getSession(other.viewId))?.maxBpm).toBe(120);
    expect(await sqlite.getSession(key)).toBeNull();
  });

  it('stores a display name as text and drops a hostile one as bad-name, keeping the name before it', async () => {
    // Prepare: HTML is text, 40 emoji are 40 code points; a bidi override and 41 characters are refused.
    const emoji = '🏃'.repeat(40);
    const event = kinesisEvent([
      control(key, 0, { name: '<b>Ann</b>', maxHr: 182 }),
      control(key, 1, { name: emoji }),
      { data: JSON.stringify({ v: 1, key, seq: 2, t: NOW - 1000, name: 'x\u202Eyz' }) },
      { data: JSON.stringify({ v: 1, key, seq: 3, t: NOW - 1000, name: 'a'.repeat(41) }) },
    ]);

    // Act
    const result = await run(event);

    // Assess
    expect(result.dropped).toEqual(dropsOf({ 'bad-name': 2 }));
    expect(await sqlite.getSession(viewId)).toMatchObject({ name: emoji, maxHr: 182 });
  });

  it('applies end and expiry control records to the session, by their receive time', async () => {
    // Prepare: the phone sent an expiry an hour ahead of its clock, a second before the consumer read it.
    const phoneNow = NOW - 1000;

    // Act
    await run(kinesisEvent([reading(key, 0), control(key, 1, { exp: phoneNow + 3_600_000 }, phoneNow), control(key, 2, { end: true }, phoneNow)]));

    // Assess
    expect(await sqlite.getSession(viewId)).toMatchObject({ count: 1, exp: NOW + 3_600_000, expSetAt: NOW, endedSeq: 2, endedAt: NOW });
  });

  it.each([
    ['10 minutes fast', 600_000],
    ['10 minutes slow', -600_000],
  ])('revokes a link from a phone %s, where its readings would be dropped as bad-time or kept', async (_, skewMs) => {
    // Prepare
    const phoneNow = NOW + skewMs;
    const event = kinesisEvent([reading(key, 0, { t: phoneNow }), control(key, 1, { exp: phoneNow }, phoneNow), control(key, 2, { end: true }, phoneNow)]);

    // Act
    const result = await run(event);

    // Assess: only the reading is judged by its device time.
    expect(result.dropped).toEqual(dropsOf(skewMs > 0 ? { 'bad-time': 1 } : {}));
    expect(result.stored).toBe(skewMs > 0 ? 2 : 3);
    expect(await sqlite.getSession(viewId)).toMatchObject({ exp: NOW, expSetAt: NOW, endedAt: NOW });
  });

  it('times liveness by the consumer clock, but a backlog keeps its arrival time', async () => {
    await run(kinesisEvent([{ data: reading(key, 0), arrivalMs: NOW - 900 }]));
    const fresh = (await sqlite.getSession(viewId))?.lastReceivedAt;
    const { key: oldKey, viewId: oldView } = sessionKeys(3);
    await run(kinesisEvent([{ data: reading(oldKey, 0, { t: NOW - 601_000 }), arrivalMs: NOW - 600_000 }]));

    expect(fresh).toBe(NOW);
    expect((await sqlite.getSession(oldView))?.lastReceivedAt).toBe(NOW - 600_000);
  });

  describe('the live horizon', () => {
    const DAY = 24 * 60 * 60 * 1000;

    it('keeps a flood of back-dated readings under random keys out of the live store, counted, beside a real session', async () => {
      // Prepare: 2,000 fresh keys, each with one valid reading dated on one of 500 past days (all after 2020),
      // and a real session's readings mixed in.
      const flood = Array.from({ length: 2000 }, (_, i) => {
        const floodKey = createWriteKey((length) => new Uint8Array(randomBytes(length)));
        return reading(floodKey, 0, { t: NOW - (2 + (i % 500)) * DAY });
      });
      const real = [reading(key, 0), reading(key, 1), reading(key, 2)];
      const event = kinesisEvent([real[0] as ReadingRecord, ...flood.slice(0, 1000), real[1] as ReadingRecord, ...flood.slice(1000), real[2] as ReadingRecord]);

      // Act
      const result = await run(event);

      // Assess
      expect(result.batchItemFailures).toEqual([]);
      expect(result.dropped).toEqual(dropsOf({ 'outside-horizon': 2000 }));
      expect(result.stored).toBe(3);
      expect(sqlite.countAllReadings()).toBe(3);
      for (const r of flood) expect(await sqlite.getSession(deriveViewId(r.key))).toBeNull();
      expect(await readAll(sqlite)).toEqual(real.map(expectedReading));
      expect(await sqlite.getSession(viewId)).toMatchObject({ count: 3 });
      expect(logs).toEqual([expect.objectContaining({ level: 'info', fields: expect.objectContaining({ dropped: { 'outside-horizon': 2000 } }) })]);
    });

    it('judges by stream arrival, not the consumer clock: a backlog keeps its readings, and the edges are inclusive', async () => {
      // Prepare: the consumer runs two days after the records reached the stream.
      const arrivalMs = NOW - 2 * DAY;
      const edges = [
        reading(key, 0, { t: arrivalMs - LIVE_HORIZON.maxAgeMs }),
        reading(key, 1, { t: arrivalMs + LIVE_HORIZON.maxAheadMs }),
        reading(key, 2, { t: arrivalMs - LIVE_HORIZON.maxAgeMs - 1 }),
        reading(key, 3, { t: arrivalMs + LIVE_HORIZON.maxAheadMs + 1 }),
      ];

      // Act
      const result = await run(kinesisEvent(edges.map((data) => ({ data, arrivalMs }))));

      // Assess
      expect(result.dropped).toEqual(dropsOf({ 'outside-horizon': 2 }));
      expect(await readAll(sqlite)).toEqual(edges.slice(0, 2).map(expectedReading));
    });

    it('still applies control records dated outside the horizon, an expiry counted from their arrival', async () => {
      // Prepare: a phone whose clock is 30 days behind sets the link to expire in an hour.
      const phoneNow = NOW - 30 * DAY;

      // Act
      const result = await run(kinesisEvent([reading(key, 0), control(key, 1, { exp: phoneNow + 3_600_000 }, phoneNow)]));

      // Assess
      expect(result.dropped).toEqual(dropsOf({}));
      expect(await sqlite.getSession(viewId)).toMatchObject({ count: 1, exp: NOW + 3_600_000, expSetAt: NOW });
    });
  });
});

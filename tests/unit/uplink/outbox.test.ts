import { afterEach, describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../src/core/record.ts';
import { derivePartitionKey, deriveViewId, isWriteKey } from '../../../src/core/session-key.ts';
import { utf8ByteLength } from '../../../src/core/utf8-length.ts';
import { Outbox } from '../../../src/lib/uplink/outbox.ts';
import { T0, fillOutbox, readings, seqsIn, timedReading, uniqueDbName } from './support.ts';

const opened: Outbox[] = [];

function openOutbox(name: string, newKey?: () => string): Outbox {
  const outbox = new Outbox(name, newKey);
  opened.push(outbox);
  return outbox;
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
});

const asItems = (list: ReturnType<typeof readings>) => list.map((reading) => ({ kind: 'reading' as const, reading }));

describe('Outbox.append', () => {
  it('starts a session with the first reading and numbers readings from 0 under its key', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());

    // Act
    const first = await outbox.append(asItems(readings(2)));
    const second = await outbox.append(asItems(readings(1, 2)));

    // Assess
    const entries = await outbox.peekBatch();
    const key = entries[0]?.key ?? '';
    expect(isWriteKey(key)).toBe(true);
    expect(entries.map((e) => [e.key, e.seq])).toEqual([
      [key, 0],
      [key, 1],
      [key, 2],
    ]);
    expect(first).toEqual({ session: { key, viewId: deriveViewId(key), nextSeq: 2, startedAt: T0 }, waiting: 2, alerts: null });
    expect(second.waiting).toBe(3);
  });

  it('stores each record as the exact wire line, partitioned by the write key partition key (not the view id), with its size', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());
    const reading = { reading: { bpm: 71, contact: 'detected' as const, rrMs: [845, 830], energyKj: 5 }, receivedAt: T0 };

    // Act
    await outbox.append([{ kind: 'reading', reading }]);

    // Assess
    const [entry] = await outbox.peekBatch();
    expect(entry).toBeDefined();
    const decoded = decodeRecord(entry!.data, T0);
    expect(decoded).toEqual({ ok: true, record: { v: 1, key: entry!.key, seq: 0, t: T0, bpm: 71, rr: [845, 830], contact: true, kj: 5 } });
    expect(entry!.data.endsWith('\n')).toBe(true);
    expect(entry!.partitionKey).toBe(derivePartitionKey(entry!.key));
    expect(entry!.partitionKey).not.toBe(deriveViewId(entry!.key));
    expect(entry!.bytes).toBe(utf8ByteLength(entry!.data) + utf8ByteLength(entry!.partitionKey));
    expect(entry!.t).toBe(T0);
  });

  it('continues the same session after a reload and never reuses a seq, even once entries were sent', async () => {
    // Prepare: a page stores three readings, two are acknowledged and deleted, then the page goes away.
    const name = uniqueDbName();
    const before = openOutbox(name);
    await fillOutbox(before, 3);
    const sent = await before.peekBatch({ maxRecords: 2, maxBytes: 1 << 20, maxRecordBytes: 1 << 20 });
    await before.removeAcknowledged(sent, sent);
    await before.close();

    // Act
    const after = openOutbox(name);
    await after.append(asItems(readings(2, 3)));

    // Assess
    const entries = await after.peekBatch();
    expect(entries.map((e) => e.seq)).toEqual([2, 3, 4]);
    expect(new Set(entries.map((e) => e.key))).toEqual(new Set([sent[0]?.key]));
  });

  it('ends a session with a control record through the outbox; the next reading starts a new key at 0', async () => {
    // Prepare
    const keys = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBA'];
    const outbox = openOutbox(uniqueDbName(), () => keys.shift() ?? 'unexpected');
    await fillOutbox(outbox, 2);

    // Act
    const ended = await outbox.append([{ kind: 'end', at: T0 + 5_000 }]);
    const next = await outbox.append([{ kind: 'reading', reading: timedReading(80, 6) }]);

    // Assess
    const entries = await outbox.peekBatch();
    expect(ended.session).toBeNull();
    expect(entries.map((e) => e.data)).toEqual([
      expect.stringContaining('"seq":0'),
      expect.stringContaining('"seq":1'),
      `{"v":1,"key":"AAAAAAAAAAAAAAAAAAAAAA","seq":2,"t":${T0 + 5_000},"end":true}\n`,
      expect.stringContaining('"key":"BBBBBBBBBBBBBBBBBBBBBA","seq":0'),
    ]);
    expect(decodeRecord(entries[2]!.data, T0 + 5_000)).toEqual({
      ok: true,
      record: { v: 1, key: 'AAAAAAAAAAAAAAAAAAAAAA', seq: 2, t: T0 + 5_000, end: true },
    });
    expect(next.session?.key).toBe('BBBBBBBBBBBBBBBBBBBBBA');
    expect(await outbox.activeSession()).toMatchObject({ key: 'BBBBBBBBBBBBBBBBBBBBBA', nextSeq: 1 });
  });

  it('stores nothing for an end without an active session', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());

    // Act
    const result = await outbox.append([{ kind: 'end', at: T0 }]);

    // Assess
    expect(result).toEqual({ session: null, waiting: 0, alerts: null });
    expect(await outbox.count()).toBe(0);
  });

  it('keeps a 0 bpm as a contact-gap record rather than dropping it', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());
    const gap = { reading: { bpm: 0, contact: 'unsupported' as const, rrMs: [] }, receivedAt: T0 };

    // Act
    await outbox.append([{ kind: 'reading', reading: gap }]);

    // Assess
    const [entry] = await outbox.peekBatch();
    expect(entry?.data).toMatch(/"seq":0,"t":\d+,"bpm":0,"contact":false\}\n$/);
  });

  it('stores all items of an append or none, so a failed write consumes no seq', async () => {
    // Prepare: the second item cannot be stored (a Symbol cannot be cloned into IndexedDB).
    const outbox = openOutbox(uniqueDbName());
    const broken = { reading: { bpm: 70, contact: 'detected' as const, rrMs: [] }, receivedAt: Symbol('not a time') as unknown as number };

    // Act
    const failure = await outbox.append([{ kind: 'reading', reading: timedReading(70) }, { kind: 'reading', reading: broken }]).catch((e: unknown) => e);
    await outbox.append([{ kind: 'reading', reading: timedReading(71, 1) }]);

    // Assess
    expect(failure).toBeInstanceOf(Error);
    expect(await seqsIn(outbox)).toEqual([0]);
    expect(await outbox.activeSession()).toMatchObject({ nextSeq: 1 });
  });
});

describe('Outbox.peekBatch and remove', () => {
  it('takes the oldest entries, at most 500', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());
    await fillOutbox(outbox, 1_203);

    // Act
    const batch = await outbox.peekBatch();

    // Assess
    expect(batch.map((e) => e.seq)).toEqual(Array.from({ length: 500 }, (_, i) => i));
  });

  it('stops at the request byte limit', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());
    await fillOutbox(outbox, 10);
    const [first] = await outbox.peekBatch();
    const limits = { maxRecords: 500, maxBytes: first!.bytes * 3 + 1, maxRecordBytes: 1 << 20 };

    // Act
    const batch = await outbox.peekBatch(limits);

    // Assess
    expect(batch.map((e) => e.seq)).toEqual([0, 1, 2]);
  });

  it('deletes exactly the acknowledged entries of a batch and reports how many remain', async () => {
    // Prepare: runs of acknowledged entries with gaps, and entries stored after the batch was read.
    const outbox = openOutbox(uniqueDbName());
    await fillOutbox(outbox, 9);
    const batch = await outbox.peekBatch({ maxRecords: 8, maxBytes: 1 << 20, maxRecordBytes: 1 << 20 });
    const acknowledged = batch.filter((e) => [0, 1, 2, 4, 6, 7].includes(e.seq));
    await outbox.append(readings(2, 9).map((reading) => ({ kind: 'reading' as const, reading })));

    // Act
    const remaining = await outbox.removeAcknowledged(batch, acknowledged);

    // Assess
    expect(remaining).toBe(5);
    expect(await seqsIn(outbox)).toEqual([3, 5, 8, 9, 10]);
  });

  it('deletes nothing when nothing was acknowledged', async () => {
    // Prepare
    const outbox = openOutbox(uniqueDbName());
    await fillOutbox(outbox, 3);
    const batch = await outbox.peekBatch();

    // Act
    const remaining = await outbox.removeAcknowledged(batch, []);

    // Assess
    expect(remaining).toBe(3);
    expect(await seqsIn(outbox)).toEqual([0, 1, 2]);
  });
});

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SESSION_RATE_LIMIT } from '../../../src/core/session-rate-limit.ts';
import type { ControlWrite, ReadingWrite, StoredReading } from '../../../functions/store/live-store.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';

const VIEW = 'AAAAAAAAAAAAAAAAAAAAAA';
const OTHER = 'BBBBBBBBBBBBBBBBBBBBBw';
const T0 = Date.UTC(2026, 10, 28, 12);

function reading(seq: number, bpm = 60 + seq, viewId = VIEW): ReadingWrite {
  return { kind: 'reading', viewId, seq, t: T0 + seq * 1000, bpm, rr: [900 - seq], contact: true, receivedAt: T0 + seq * 1000 + 50, streamSeq: String(seq + 1) };
}

function controlWrite(seq: number, fields: Pick<ControlWrite, 'end' | 'exp'>, t = T0 + seq * 1000, receivedAt = t + 50): ControlWrite {
  return { kind: 'control', viewId: VIEW, seq, t, ...fields, receivedAt, streamSeq: String(seq + 1) };
}

async function readAll(store: SqliteLiveStore, viewId = VIEW, limit = 1000): Promise<StoredReading[]> {
  const all: StoredReading[] = [];
  let cursor = '0';
  for (;;) {
    const page = await store.getReadings(viewId, cursor, limit);
    all.push(...page.readings);
    cursor = page.cursor;
    if (!page.more) return all;
  }
}

describe('SQLite live store', () => {
  let dir: string;
  let store: SqliteLiveStore;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-sqlite-'));
    store = openSqliteStore(join(dir, 'live.db'));
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores a reading once under (view id, seq) and reports the repeat as a duplicate', async () => {
    // Prepare
    const first = reading(0, 70);
    const resent = { ...reading(0, 70), receivedAt: T0 + 99_000, streamSeq: '99' };

    // Act
    const results = await store.writeBatch([first, reading(1, 80), resent]);
    const again = await store.writeBatch([first]);

    // Assess
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'duplicate']);
    expect(again.map((r) => r.status)).toEqual(['duplicate']);
    expect(await readAll(store)).toEqual([
      { seq: 0, t: T0, bpm: 70, rr: [900], contact: true },
      { seq: 1, t: T0 + 1000, bpm: 80, rr: [899], contact: true },
    ]);
    expect(store.countAllReadings()).toBe(2);
  });

  it('keeps session statistics over distinct readings only', async () => {
    await store.writeBatch([reading(2, 90), reading(0, 60), reading(1, 75), reading(0, 60)]);
    await store.writeBatch([reading(1, 75), reading(2, 90)]);

    const session = await store.getSession(VIEW);

    expect(session).toEqual({
      viewId: VIEW,
      count: 3,
      firstT: T0,
      lastT: T0 + 2000,
      minBpm: 60,
      maxBpm: 90,
      avgBpm: 75,
      lastSeq: 2,
      lastBpm: 90,
      lastReceivedAt: T0 + 2050,
      endedSeq: null,
      endedAt: null,
      exp: null,
      expSetAt: null,
      cursor: '3',
      alerts: null,
      name: null,
      maxHr: null,
    });
  });

  it('keeps sessions apart', async () => {
    await store.writeBatch([reading(0, 60), reading(0, 100, OTHER)]);

    expect((await store.getSession(VIEW))?.maxBpm).toBe(60);
    expect((await store.getSession(OTHER))?.maxBpm).toBe(100);
    expect(await store.getSession('CCCCCCCCCCCCCCCCCCCCCA')).toBeNull();
  });

  it('never lets a reader with a cursor miss a resend that arrives after later seqs', async () => {
    // Prepare: seq 1 failed on the producer side and is resent after seq 2 and 3 were read.
    await store.writeBatch([reading(0), reading(2), reading(3)]);
    const firstPage = await store.getReadings(VIEW, '0', 100);

    // Act
    await store.writeBatch([reading(1)]);
    const secondPage = await store.getReadings(VIEW, firstPage.cursor, 100);

    // Assess
    expect(firstPage.readings.map((r) => r.seq)).toEqual([0, 2, 3]);
    expect(secondPage.readings.map((r) => r.seq)).toEqual([1]);
    expect(secondPage.cursor).toBe('4');
  });

  it('pages with a limit and says when more is waiting', async () => {
    await store.writeBatch(Array.from({ length: 5 }, (_, seq) => reading(seq)));

    const first = await store.getReadings(VIEW, '0', 2);
    const last = await store.getReadings(VIEW, '4', 2);
    const beyond = await store.getReadings(VIEW, '4000000000000000000000', 2);

    expect(first).toMatchObject({ cursor: '2', more: true });
    expect(first.readings.map((r) => r.seq)).toEqual([0, 1]);
    expect(last).toMatchObject({ cursor: '5', more: false });
    expect(last.readings.map((r) => r.seq)).toEqual([4]);
    expect(beyond).toEqual({ readings: [], cursor: '5', more: false });
    expect(await readAll(store, VIEW, 2)).toHaveLength(5);
  });

  it('marks the end and the link expiry by the highest seq, whatever order controls arrive in', async () => {
    const expiry = controlWrite(5, { exp: T0 + 3_600_000 });
    const revoke = controlWrite(7, { exp: T0 }, T0 + 10_000);

    const results = await store.writeBatch([reading(0), revoke, expiry, controlWrite(8, { end: true }), controlWrite(8, { end: true })]);

    expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'duplicate', 'stored', 'duplicate']);
    expect(await store.getSession(VIEW)).toMatchObject({ endedSeq: 8, endedAt: T0 + 8050, exp: T0 + 10_050, expSetAt: T0 + 10_050, count: 1 });
  });

  it('takes controls by arrival from a phone 10 minutes fast, and a later expiry does not revive a revoked link', async () => {
    const fast = T0 + 600_000;
    const expiry = controlWrite(1, { exp: fast + 3_600_000 }, fast, T0);
    const revoke = controlWrite(2, { exp: fast }, fast, T0 + 1000);
    const revive = controlWrite(3, { exp: fast + 7_200_000 }, fast, T0 + 2000);

    const results = [await store.writeBatch([reading(0), expiry]), await store.writeBatch([revoke]), await store.writeBatch([revive])];

    expect(results.flat().map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'duplicate']);
    expect(await store.getSession(VIEW)).toMatchObject({ exp: T0 + 1000, expSetAt: T0 + 1000 });
  });

  it('keeps everything across a reopen of the file', async () => {
    await store.writeBatch([reading(0), reading(1), { ...controlWrite(5, {}), name: 'Zoë 🏃', maxHr: 188 }]);
    await store.close();

    store = openSqliteStore(join(dir, 'live.db'));
    const repeat = await store.writeBatch([reading(1), reading(2)]);

    expect(repeat.map((r) => r.status)).toEqual(['duplicate', 'stored']);
    expect(await store.getSession(VIEW)).toMatchObject({ count: 3, name: 'Zoë 🏃', maxHr: 188 });
    expect((await readAll(store)).map((r) => r.seq)).toEqual([0, 1, 2]);
  });

  it('wakes a waiting reader as soon as a reading is stored', async () => {
    await store.writeBatch([reading(0)]);
    const waiting = store.waitForReadings(VIEW, '1', 5000);

    await store.writeBatch([reading(1)]);

    // true: woken by the write; a wait that ran out its 5 s would answer false.
    expect(await waiting).toBe(true);
    expect(await store.waitForReadings(VIEW, '0', 5000)).toBe(true);
  });

  it('wakes a waiting reader when an end mark or a revocation changes the session, not for a duplicate', async () => {
    // Prepare
    await store.writeBatch([reading(0)]);
    const forEnd = store.waitForReadings(VIEW, '1', 5000);
    // Act
    await store.writeBatch([controlWrite(1, { end: true })]);
    // Assess
    expect(await forEnd).toBe(true);
    const afterDuplicate = store.waitForReadings(VIEW, '1', 100);
    await store.writeBatch([controlWrite(1, { end: true })]);
    expect(await afterDuplicate).toBe(false);
  });

  it('lets a wait time out, and ends waits when the store closes', async () => {
    const timedOut = await store.waitForReadings(VIEW, '0', 30);
    const pending = store.waitForReadings(VIEW, '0', 60_000);

    await store.close();

    expect(timedOut).toBe(false);
    expect(await pending).toBe(false);
    await expect(store.writeBatch([reading(0)])).rejects.toThrow(/closed/);
  });

  describe('rate limit and retention', () => {
    const BURST = SESSION_RATE_LIMIT.burst;

    function readingsReceivedAt(receivedAt: number, from: number, count: number, viewId = VIEW): ReadingWrite[] {
      return Array.from({ length: count }, (_, k) => ({ ...reading(from + k, 70, viewId), receivedAt }));
    }

    it('cuts a session to its bucket, keeps the bucket across a reopen, and never calls a duplicate limited', async () => {
      // Prepare
      const flood = readingsReceivedAt(T0, 0, BURST + 10);

      // Act
      const first = await store.writeBatch(flood);
      const resent = await store.writeBatch([flood[0] as ReadingWrite, flood[BURST] as ReadingWrite]);
      await store.close();
      store = openSqliteStore(join(dir, 'live.db'));
      const sameInstant = await store.writeBatch(readingsReceivedAt(T0, BURST + 10, 1));
      const oneSecondLater = await store.writeBatch(readingsReceivedAt(T0 + 1000, BURST + 20, 3));

      // Assess
      expect(first.filter((r) => r.status === 'stored')).toHaveLength(BURST);
      expect(first.slice(BURST).map((r) => r.status)).toEqual(Array.from({ length: 10 }, () => 'limited'));
      expect(resent.map((r) => r.status)).toEqual(['duplicate', 'limited']);
      expect(sameInstant.map((r) => r.status)).toEqual(['limited']);
      expect(oneSecondLater.map((r) => r.status)).toEqual(['stored', 'stored', 'limited']);
      expect((await store.getSession(VIEW))?.count).toBe(BURST + 2);
    });

    it('limits each session on its own', async () => {
      // Act
      const results = await store.writeBatch([...readingsReceivedAt(T0, 0, BURST + 1), ...readingsReceivedAt(T0, 0, 5, OTHER)]);

      // Assess
      expect(results.at(BURST)?.status).toBe('limited');
      expect(results.slice(BURST + 1).map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored', 'stored']);
    });

    it('deletes the sessions inactive since the cutoff with their readings and keeps the rest', async () => {
      // Prepare: VIEW last active at T0 + 50 ms; OTHER a day later, through an end mark after its readings.
      await store.writeBatch([reading(0), reading(1, 61, OTHER)]);
      await store.writeBatch([{ ...controlWrite(5, { end: true }), viewId: OTHER, receivedAt: T0 + 86_400_000 }]);

      // Act
      const deleted = await store.deleteSessionsInactiveBefore(T0 + 3_600_000);

      // Assess
      expect(deleted).toBe(1);
      expect(await store.getSession(VIEW)).toBeNull();
      expect(await readAll(store, VIEW)).toEqual([]);
      expect((await store.getSession(OTHER))?.endedSeq).toBe(5);
      expect(store.countAllReadings()).toBe(1);
    });

    it('opens a file written before the rate limit and retention, keeping its data', async () => {
      // Prepare: the schema as it was, with one session and its reading.
      await store.close();
      const file = join(dir, 'old.db');
      const old = new Database(file);
      old.exec(`
        CREATE TABLE readings (view_id TEXT NOT NULL, seq INTEGER NOT NULL, pos INTEGER NOT NULL, t INTEGER NOT NULL,
          bpm INTEGER NOT NULL, rr TEXT, contact INTEGER, kj INTEGER, received_at INTEGER NOT NULL,
          PRIMARY KEY (view_id, seq)) WITHOUT ROWID;
        CREATE UNIQUE INDEX readings_by_pos ON readings (view_id, pos);
        CREATE TABLE sessions (view_id TEXT PRIMARY KEY, count INTEGER NOT NULL, sum_bpm INTEGER NOT NULL, min_bpm INTEGER,
          max_bpm INTEGER, first_t INTEGER, last_t INTEGER, last_seq INTEGER, last_bpm INTEGER, last_received_at INTEGER,
          ended_seq INTEGER, ended_at INTEGER, exp INTEGER, exp_seq INTEGER, exp_set_at INTEGER) WITHOUT ROWID;
        INSERT INTO readings VALUES ('${VIEW}', 0, 1, ${T0}, 70, NULL, NULL, NULL, ${T0 + 50});
        INSERT INTO sessions VALUES ('${VIEW}', 1, 70, 70, 70, ${T0}, ${T0}, 0, 70, ${T0 + 50}, NULL, NULL, NULL, NULL, NULL);
      `);
      old.close();

      // Act
      store = openSqliteStore(file);
      const before = await readAll(store);
      const oldName = (await store.getSession(VIEW))?.name;
      const keptAtCutoff = await store.deleteSessionsInactiveBefore(T0 + 50);
      const goneAfter = await store.deleteSessionsInactiveBefore(T0 + 51);
      const written = await store.writeBatch([reading(1, 80), { kind: 'control', viewId: VIEW, seq: 2, t: T0, name: 'Ann', maxHr: 181, receivedAt: T0 + 60, streamSeq: '3' }]);

      // Assess: the old session's last activity is its last receive time; it had no name and takes one now.
      expect(before).toEqual([{ seq: 0, t: T0, bpm: 70 }]);
      expect(oldName).toBeNull();
      expect(await store.getSession(VIEW)).toMatchObject({ name: 'Ann', maxHr: 181 });
      expect(keptAtCutoff).toBe(0);
      expect(goneAfter).toBe(1);
      expect(written.map((r) => r.status)).toEqual(['stored', 'stored']);
    });
  });
});

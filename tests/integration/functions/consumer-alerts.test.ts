// Alerts through the consumer into the SQLite store, and the alert clock over it: the server side of issue 11.
// Real parts: the consumer handler and the SQLite file; time is injected, so nothing here waits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertSettings } from '../../../src/core/alert-rules.ts';
import type { ControlRecord, ReadingRecord } from '../../../src/core/record.ts';
import { foldAlertClock } from '../../../functions/alert-clock/fold-alert-clock.ts';
import { processKinesisBatch, type ConsumerBatchResult } from '../../../functions/consumer/process-batch.ts';
import { silentLogger } from '../../../functions/lib/logger.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';
import { NOW, kinesisEvent, sessionKeys, type RawRecord } from '../../unit/functions/support/kinesis-events.ts';

const { key, viewId } = sessionKeys(31);
const other = sessionKeys(32);

const SETTINGS: AlertSettings = {
  rules: [
    { id: 'high', kind: 'high', bpm: 150, forS: 0 },
    { id: 'silent', kind: 'no-data', forS: 10 },
    { id: 'contact', kind: 'contact-lost', forS: 0 },
  ],
  hysteresisBpm: 3,
  repeatAfterS: 60,
};

function alertsControl(writeKey: string, seq: number, share: boolean, settings: AlertSettings = SETTINGS): ControlRecord {
  return { v: 1, key: writeKey, seq, t: NOW - 1000, alerts: { share, settings } };
}

function beat(writeKey: string, seq: number, bpm: number, contact = true): ReadingRecord {
  return { v: 1, key: writeKey, seq, t: NOW - 60_000 + seq * 1000, bpm, contact };
}

/** A record that reached the stream at `atMs` (the consumer reads it at once, so that is its receive time). */
function arriving(data: ReadingRecord | ControlRecord | string, atMs: number): RawRecord {
  return { data, arrivalMs: atMs };
}

describe('alerts through the consumer and the SQLite store', () => {
  let dir: string;
  let store: SqliteLiveStore;
  let now = NOW;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-alerts-'));
    store = openSqliteStore(join(dir, 'live.db'));
    now = NOW;
  });

  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  function consume(records: RawRecord[], firstSeq = 1): Promise<ConsumerBatchResult> {
    return processKinesisBatch(kinesisEvent(records, firstSeq), { store, now: () => now, log: silentLogger });
  }

  it('fires a crossed threshold once at its receive time, and a replayed batch adds no event', async () => {
    // Prepare
    const batch = [
      arriving(alertsControl(key, 0, true), NOW),
      arriving(beat(key, 1, 120), NOW + 1000),
      arriving(beat(key, 2, 160), NOW + 2000),
      arriving(beat(key, 3, 161), NOW + 3000),
    ];
    now = NOW + 3000;

    // Act
    await consume(batch);
    const replay = await consume(batch);
    const session = await store.getSession(viewId);

    // Assess
    expect(replay.stored).toBe(0);
    expect(store.alertLog(viewId)).toEqual([{ ruleId: 'high', kind: 'high', type: 'fired', at: NOW + 3000, value: 160 }]);
    expect(session?.alerts).toEqual({
      share: true,
      settings: SETTINGS,
      active: ['high'],
      recent: [{ ruleId: 'high', kind: 'high', type: 'fired', at: NOW + 3000, value: 160 }],
    });
  });

  it('feeds a contact gap to the engine as contact lost, still counting it as a contact-gap drop', async () => {
    // Prepare
    now = NOW + 2000;
    const gap = JSON.stringify({ v: 1, key, seq: 2, t: NOW - 1000, bpm: 0, contact: false });

    // Act
    const result = await consume([arriving(alertsControl(key, 0, true), NOW), arriving(beat(key, 1, 80), NOW + 1000), arriving(gap, NOW + 2000)]);
    const replay = await consume([arriving(gap, NOW + 2000)], 10);

    // Assess
    expect(result.dropped['contact-gap']).toBe(1);
    expect(replay.dropped['contact-gap']).toBe(1);
    expect(store.alertLog(viewId)).toEqual([{ ruleId: 'contact', kind: 'contact-lost', type: 'fired', at: NOW + 2000, value: null }]);
    expect((await store.getSession(viewId))?.count).toBe(1);
  });

  it('takes the newest rules by seq, and share: false keeps them from viewers while they are still evaluated', async () => {
    // Prepare
    const newer: AlertSettings = { ...SETTINGS, rules: [{ id: 'high', kind: 'high', bpm: 100, forS: 0 }] };
    now = NOW + 1000;

    // Act: the newer rules arrive before an older record (a retry out of order).
    await consume([arriving(alertsControl(key, 5, false, newer), NOW), arriving(alertsControl(key, 4, true), NOW), arriving(beat(key, 6, 120), NOW + 1000)]);
    const session = await store.getSession(viewId);

    // Assess
    expect(session?.alerts?.share).toBe(false);
    expect(session?.alerts?.settings).toEqual(newer);
    expect(session?.alerts?.active).toEqual(['high']);
  });

  it('drops a hostile rule set as bad-alerts, and a forged record under another key changes nothing in the target session', async () => {
    // Prepare: the target session has its rules; the attacker knows the view id but not the write key.
    await consume([arriving(alertsControl(key, 0, true), NOW), arriving(beat(key, 1, 80), NOW)]);
    const before = await store.getSession(viewId);
    const huge = JSON.stringify({
      v: 1,
      key,
      seq: 9,
      t: NOW,
      alerts: { share: true, settings: { rules: Array.from({ length: 9 }, (_, i) => ({ id: `r${i}`, kind: 'high', bpm: 100, forS: 0 })) } },
    });
    const absurd = JSON.stringify({ v: 1, key, seq: 10, t: NOW, alerts: { share: true, settings: { rules: [{ id: 'high', kind: 'high', bpm: 9999, forS: 0 }] } } });
    const forged = { ...alertsControl(other.key, 11, false, { ...SETTINGS, rules: [] }) };

    // Act
    const result = await consume([arriving(huge, NOW), arriving(absurd, NOW), arriving(forged, NOW)], 20);
    const after = await store.getSession(viewId);

    // Assess: the forged record made (or changed) only its own key's session.
    expect(result.dropped['bad-alerts']).toBe(2);
    expect(after?.alerts).toEqual(before?.alerts);
    expect((await store.getSession(other.viewId))?.alerts?.settings.rules).toEqual([]);
  });

  it('fires "no data" from the clock at the moment the silence reached its length, only while broadcasting', async () => {
    // Prepare
    now = NOW + 1000;
    await consume([arriving(alertsControl(key, 0, true), NOW), arriving(beat(key, 1, 80), NOW + 1000)]);
    await consume([arriving(alertsControl(other.key, 0, true), NOW), arriving(beat(other.key, 1, 80), NOW + 1000), arriving({ v: 1, key: other.key, seq: 2, t: NOW, end: true }, NOW + 1000)], 10);

    // Act
    const early = await foldAlertClock({ store, now: () => NOW + 10_999, log: silentLogger });
    const late = await foldAlertClock({ store, now: () => NOW + 12_500, log: silentLogger });
    const again = await foldAlertClock({ store, now: () => NOW + 13_500, log: silentLogger });

    // Assess
    expect(early.events).toBe(0);
    expect(late).toEqual({ sessions: 2, events: 1 });
    expect(again.events).toBe(0);
    expect(store.alertLog(viewId)).toEqual([{ ruleId: 'silent', kind: 'no-data', type: 'fired', at: NOW + 11_000, value: null }]);
    expect(store.alertLog(other.viewId)).toEqual([]);
  });

  it('wakes a waiting reader when the clock stores an alert event', async () => {
    // Prepare
    now = NOW + 1000;
    await consume([arriving(alertsControl(key, 0, true), NOW), arriving(beat(key, 1, 80), NOW + 1000)]);
    const waiting = store.waitForReadings(viewId, '1', 20_000);

    // Act
    await foldAlertClock({ store, now: () => NOW + 20_000, log: silentLogger });

    // Assess
    await expect(waiting).resolves.toBe(true);
  });

  it('opens a file written before alerts and keeps its sessions, which then take rules', async () => {
    // Prepare: the sessions table as it was before alerts.
    await store.close();
    const file = join(dir, 'old.db');
    const old = new Database(file);
    old.exec(`
      CREATE TABLE sessions (view_id TEXT PRIMARY KEY, count INTEGER NOT NULL, sum_bpm INTEGER NOT NULL, min_bpm INTEGER,
        max_bpm INTEGER, first_t INTEGER, last_t INTEGER, last_seq INTEGER, last_bpm INTEGER, last_received_at INTEGER,
        ended_seq INTEGER, ended_at INTEGER, exp INTEGER, exp_seq INTEGER, exp_set_at INTEGER, tokens REAL, tokens_at INTEGER,
        last_active_at INTEGER) WITHOUT ROWID;
      INSERT INTO sessions VALUES ('${viewId}', 0, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${NOW});
    `);
    old.close();

    // Act
    store = openSqliteStore(file);
    const before = await store.getSession(viewId);
    now = NOW + 1000;
    await consume([arriving(alertsControl(key, 0, true), NOW), arriving(beat(key, 1, 160), NOW + 1000)]);

    // Assess
    expect(before?.alerts).toBeNull();
    expect((await store.getSession(viewId))?.alerts?.active).toEqual(['high']);
  });
});

// The embedded live store: one SQLite file (better-sqlite3 12) under the data folder. A row store with point
// lookups by (view id, position) suits the live API; INSERT OR IGNORE on the identity makes every write
// idempotent; and being synchronous, a whole batch is one transaction no other reader or writer interleaves.
import Database from 'better-sqlite3';
import type { Database as SqliteDatabase, Statement } from 'better-sqlite3';
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import {
  addReading,
  applyControl,
  createSessionState,
  foldAlertReading,
  hasReadingToken,
  keepAlertEvents,
  takeReadingToken,
  toSnapshot,
  type SessionState,
} from './session-state.ts';
import type { AlertClockStore, ClockAlerts } from './alert-clock-store.ts';
import type {
  LiveStore,
  LiveWrite,
  ReadingsPage,
  SessionRetentionStore,
  SessionSnapshot,
  StoredReading,
  WriteResult,
} from './live-store.ts';

export interface SqliteStoreOptions {
  /**
   * 'full' (default): each batch is on disk before writeBatch returns, so a stream checkpoint saved after it
   * can never point past readings a power cut lost. 'normal' is faster but may lose the last batches.
   */
  synchronous?: 'full' | 'normal';
}

export interface SqliteLiveStore extends LiveStore, SessionRetentionStore, AlertClockStore {
  waitForReadings(viewId: string, after: string, timeoutMs: number): Promise<boolean>;
  /**
   * Calls the listener after each commit with the sessions it changed in a way a viewer must hear of (readings
   * stored, a control applied, alert events from the consumer or the alert clock), each once per commit: what the
   * embedded push hub (infra/local/live-push-hub.ts) fans out from. Returns the function that stops it.
   */
  watchChanges(listener: (viewIds: readonly string[]) => void): () => void;
  /** Every alert event stored for a session, oldest first: the session's alert log (tests check it for duplicates). */
  alertLog(viewId: string): AlertEvent[];
  /** Readings stored across all sessions (benchmarks and tests check for losses and duplicates). */
  countAllReadings(): number;
}

// pos is the reading's position in its session in the order this store accepted it: 1, 2, 3… with no gaps.
// A batch assigns positions and raises sessions.count in one transaction, so any reader sees either none or
// all of a batch, and "readings with pos > cursor" can never skip one that is committed later.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  view_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  pos INTEGER NOT NULL,
  t INTEGER NOT NULL,
  bpm INTEGER NOT NULL,
  rr TEXT,
  contact INTEGER,
  kj INTEGER,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (view_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS readings_by_pos ON readings (view_id, pos);
CREATE TABLE IF NOT EXISTS sessions (
  view_id TEXT PRIMARY KEY,
  count INTEGER NOT NULL,
  sum_bpm INTEGER NOT NULL,
  min_bpm INTEGER,
  max_bpm INTEGER,
  first_t INTEGER,
  last_t INTEGER,
  last_seq INTEGER,
  last_bpm INTEGER,
  last_received_at INTEGER,
  ended_seq INTEGER,
  ended_at INTEGER,
  exp INTEGER,
  exp_seq INTEGER,
  exp_set_at INTEGER,
  tokens REAL,
  tokens_at INTEGER,
  last_active_at INTEGER,
  alert_seq INTEGER,
  alert_share INTEGER,
  alert_settings TEXT,
  alert_state TEXT,
  alert_recent TEXT,
  name TEXT,
  name_seq INTEGER,
  max_hr INTEGER,
  max_hr_seq INTEGER
) WITHOUT ROWID;
-- Every alert event a session raised, in the order the engine produced them. No identity of its own is needed:
-- the engine ignores readings at or below the newest seq it saw, and its state commits in the same
-- transaction as the events, so a replayed batch adds nothing.
CREATE TABLE IF NOT EXISTS alert_events (
  id INTEGER PRIMARY KEY,
  view_id TEXT NOT NULL,
  rule_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  value INTEGER
);
CREATE INDEX IF NOT EXISTS alert_events_by_session ON alert_events (view_id, id);
`;

// Columns added after the first release, with what an older file gets: sessions written before them start with a
// full rate-limit bucket, and their last activity is their last reading's receive time (control-only sessions
// from then have none and go at the first retention run).
const ADDED_SESSION_COLUMNS = [
  { name: 'tokens', ddl: 'tokens REAL' },
  { name: 'tokens_at', ddl: 'tokens_at INTEGER' },
  { name: 'last_active_at', ddl: 'last_active_at INTEGER', backfill: 'UPDATE sessions SET last_active_at = last_received_at' },
  // Alerts (issue 11): a session from before them has no rules, which is what NULL means.
  { name: 'alert_seq', ddl: 'alert_seq INTEGER' },
  { name: 'alert_share', ddl: 'alert_share INTEGER' },
  { name: 'alert_settings', ddl: 'alert_settings TEXT' },
  { name: 'alert_state', ddl: 'alert_state TEXT' },
  { name: 'alert_recent', ddl: 'alert_recent TEXT' },
  // Display name and max HR (issue 13): a session from before them has neither, which is what NULL means.
  { name: 'name', ddl: 'name TEXT' },
  { name: 'name_seq', ddl: 'name_seq INTEGER' },
  { name: 'max_hr', ddl: 'max_hr INTEGER' },
  { name: 'max_hr_seq', ddl: 'max_hr_seq INTEGER' },
] as const;

// After the migration, since it names an added column: retention deletes by last activity.
const INDEXES = 'CREATE INDEX IF NOT EXISTS sessions_by_activity ON sessions (last_active_at);';

interface SessionRow {
  view_id: string;
  count: number;
  sum_bpm: number;
  min_bpm: number | null;
  max_bpm: number | null;
  first_t: number | null;
  last_t: number | null;
  last_seq: number | null;
  last_bpm: number | null;
  last_received_at: number | null;
  ended_seq: number | null;
  ended_at: number | null;
  exp: number | null;
  exp_seq: number | null;
  exp_set_at: number | null;
  tokens: number | null;
  tokens_at: number | null;
  last_active_at: number | null;
  alert_seq: number | null;
  alert_share: number | null;
  alert_settings: string | null;
  alert_state: string | null;
  alert_recent: string | null;
  name: string | null;
  name_seq: number | null;
  max_hr: number | null;
  max_hr_seq: number | null;
}

interface AlertEventRow {
  rule_id: string;
  kind: AlertEvent['kind'];
  type: AlertEvent['type'];
  at: number;
  value: number | null;
}

interface ReadingRow {
  seq: number;
  t: number;
  bpm: number;
  rr: string | null;
  contact: number | null;
  kj: number | null;
  pos: number;
}

const STORED: WriteResult = Object.freeze({ status: 'stored' });
const DUPLICATE: WriteResult = Object.freeze({ status: 'duplicate' });
const LIMITED: WriteResult = Object.freeze({ status: 'limited' });

/** A stored item's result, carrying the alert events it produced (committed with it) for the alert outlet. */
function storedWith(s: SessionState, events: AlertEvent[]): WriteResult {
  return events.length === 0 ? STORED : { status: 'stored', alerts: { share: s.alertShare === true, events } };
}

export function openSqliteStore(file: string, options: SqliteStoreOptions = {}): SqliteLiveStore {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.exec(SCHEMA);
  migrateSessions(db);
  db.exec(INDEXES);

  const statements = prepareStatements(db);
  const waiters = new Map<string, Set<(grown: boolean) => void>>();
  const changeListeners = new Set<(viewIds: readonly string[]) => void>();
  let closed = false;

  const writeInTransaction = db.transaction((items: readonly LiveWrite[]) => {
    const sessions = new Map<string, { state: SessionState; changed: boolean; grown: boolean }>();
    const results: WriteResult[] = [];
    for (const item of items) {
      let entry = sessions.get(item.viewId);
      if (entry === undefined) {
        entry = { state: loadSession(statements.selectSession, item.viewId), changed: false, grown: false };
        sessions.set(item.viewId, entry);
      }
      const s = entry.state;
      if (item.kind === 'contact-gap') {
        // Not a reading: only the alert engine hears of it, and only a session with rules (never created by one).
        const folded = s.alertState !== null && (s.alertState.lastSeq === null || item.seq > s.alertState.lastSeq);
        const events = foldAlertReading(s, { seq: item.seq, receivedAt: item.receivedAt, bpm: 0, contact: false });
        storeAlertEvents(item.viewId, events);
        if (folded) entry.changed = true;
        if (events.length > 0) entry.grown = true;
        results.push(folded ? storedWith(s, events) : DUPLICATE);
        continue;
      }
      if (item.kind === 'reading') {
        // INSERT OR IGNORE tells only afterwards whether a reading is new, so the bucket is asked first and
        // spent only on an insert; a reading refused by it is looked up, so a duplicate is never called limited.
        if (!hasReadingToken(s, item.receivedAt)) {
          results.push(statements.selectReadingExists.get(item.viewId, item.seq) === undefined ? LIMITED : DUPLICATE);
          continue;
        }
        const inserted = statements.insertReading.run(
          item.viewId,
          item.seq,
          s.count + 1,
          item.t,
          item.bpm,
          item.rr === undefined ? null : JSON.stringify(item.rr),
          item.contact === undefined ? null : item.contact ? 1 : 0,
          item.kj ?? null,
          item.receivedAt,
        ).changes;
        if (inserted === 1) {
          takeReadingToken(s, item.receivedAt);
          addReading(s, item);
          // Only new readings reach the engine, in the batch's (stream) order, at their receive time.
          const events = foldAlertReading(s, item);
          storeAlertEvents(item.viewId, events);
          entry.changed = true;
          entry.grown = true;
          results.push(storedWith(s, events));
        } else {
          results.push(DUPLICATE);
        }
      } else if (applyControl(s, item)) {
        entry.changed = true;
        // An end mark or a new expiry changes what a waiting viewer must be told: wake it too.
        entry.grown = true;
        results.push(STORED);
      } else {
        results.push(DUPLICATE);
      }
    }
    const grown: string[] = [];
    for (const { state, changed, grown: hasNew } of sessions.values()) {
      if (changed) statements.upsertSession.run(toRow(state));
      if (hasNew) grown.push(state.viewId);
    }
    return { results, grown };
  });

  function storeAlertEvents(viewId: string, events: readonly AlertEvent[]): void {
    for (const e of events) statements.insertAlertEvent.run(viewId, e.ruleId, e.kind, e.type, e.at, e.value);
  }

  // One transaction for all sessions: the consumer cannot write a session between its read here and its write.
  const foldClockInTransaction = db.transaction((fold: (session: SessionState) => AlertEvent[]) => {
    const rows = statements.selectAlertSessions.all() as SessionRow[];
    const stored: ClockAlerts[] = [];
    let events = 0;
    for (const row of rows) {
      const state = fromRow(row);
      const fired = fold(state);
      if (fired.length === 0) continue;
      keepAlertEvents(state, fired);
      storeAlertEvents(state.viewId, fired);
      statements.upsertSession.run(toRow(state));
      stored.push({ viewId: state.viewId, share: state.alertShare === true, events: fired, session: toSnapshot(state, String(state.count)) });
      events += fired.length;
    }
    return { sessions: rows.length, events, stored };
  });

  // One transaction: a reader sees a session with its readings or neither. A session without a last activity
  // (a control-only session from before the column existed) counts as inactive.
  const deleteInactive = db.transaction((cutoff: number): number => {
    statements.deleteInactiveReadings.run(cutoff);
    statements.deleteInactiveAlertEvents.run(cutoff);
    return statements.deleteInactiveSessions.run(cutoff).changes;
  });

  function notify(viewId: string, grown: boolean): void {
    const set = waiters.get(viewId);
    if (set === undefined) return;
    waiters.delete(viewId);
    for (const wake of set) wake(grown);
  }

  /** After the commit, like notify: a listener that reads the store finds the rows. */
  function announce(viewIds: readonly string[]): void {
    if (viewIds.length === 0) return;
    for (const listener of changeListeners) listener(viewIds);
  }

  function countOf(viewId: string): number {
    const row = statements.selectCount.get(viewId) as { count: number } | undefined;
    return row?.count ?? 0;
  }

  return {
    async writeBatch(items) {
      if (closed) throw new Error('store is closed');
      const { results, grown } = writeInTransaction(items);
      // After the commit, so a woken reader finds the rows.
      for (const viewId of grown) notify(viewId, true);
      announce(grown);
      return results;
    },

    async getSession(viewId): Promise<SessionSnapshot | null> {
      const row = statements.selectSession.get(viewId) as SessionRow | undefined;
      if (row === undefined) return null;
      const state = fromRow(row);
      return toSnapshot(state, String(state.count));
    },

    async getReadings(viewId, after, limit): Promise<ReadingsPage> {
      const count = countOf(viewId);
      const from = Number(after);
      // A cursor beyond the end (a store reset under a viewer, or a made-up one) stands at the end.
      if (!Number.isSafeInteger(from) || from >= count) return { readings: [], cursor: String(Math.min(from, count)), more: false };
      const rows = statements.selectReadings.all(viewId, from, limit) as ReadingRow[];
      const last = rows.at(-1);
      const cursor = last === undefined ? after : String(last.pos);
      return { readings: rows.map(toStoredReading), cursor, more: last !== undefined && last.pos < count };
    },

    waitForReadings(viewId, after, timeoutMs) {
      if (closed) return Promise.resolve(false);
      const from = Number(after);
      if (countOf(viewId) > from) return Promise.resolve(true);
      return new Promise((resolve) => {
        let set = waiters.get(viewId);
        if (set === undefined) {
          set = new Set();
          waiters.set(viewId, set);
        }
        const wake = (grown: boolean): void => {
          clearTimeout(timer);
          resolve(grown);
        };
        const timer = setTimeout(() => {
          waiters.get(viewId)?.delete(wake);
          if (waiters.get(viewId)?.size === 0) waiters.delete(viewId);
          resolve(false);
        }, timeoutMs);
        set.add(wake);
      });
    },

    watchChanges(listener) {
      // A wrapper of its own, so one listener added twice is two subscriptions.
      const own = (viewIds: readonly string[]): void => listener(viewIds);
      changeListeners.add(own);
      return () => {
        changeListeners.delete(own);
      };
    },

    async foldAlertClock(fold) {
      if (closed) throw new Error('store is closed');
      const { sessions, events, stored } = foldClockInTransaction(fold);
      for (const { viewId } of stored) notify(viewId, true);
      announce(stored.map(({ viewId }) => viewId));
      return { sessions, events, stored };
    },

    alertLog(viewId) {
      return (statements.selectAlertLog.all(viewId) as AlertEventRow[]).map((row) => ({
        ruleId: row.rule_id,
        kind: row.kind,
        type: row.type,
        at: row.at,
        value: row.value,
      }));
    },

    countAllReadings() {
      return (statements.countAll.get() as { n: number }).n;
    },

    async deleteSessionsInactiveBefore(cutoff) {
      if (closed) throw new Error('store is closed');
      return deleteInactive(cutoff);
    },

    async close() {
      if (closed) return;
      closed = true;
      changeListeners.clear();
      for (const viewId of [...waiters.keys()]) notify(viewId, false);
      db.close();
    },
  };
}

interface Statements {
  insertReading: Statement;
  selectSession: Statement;
  selectCount: Statement;
  upsertSession: Statement;
  selectReadings: Statement;
  selectReadingExists: Statement;
  countAll: Statement;
  deleteInactiveReadings: Statement;
  deleteInactiveAlertEvents: Statement;
  deleteInactiveSessions: Statement;
  insertAlertEvent: Statement;
  selectAlertSessions: Statement;
  selectAlertLog: Statement;
}

function prepareStatements(db: SqliteDatabase): Statements {
  return {
    insertReading: db.prepare(
      'INSERT OR IGNORE INTO readings (view_id, seq, pos, t, bpm, rr, contact, kj, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    selectSession: db.prepare('SELECT * FROM sessions WHERE view_id = ?'),
    selectCount: db.prepare('SELECT count FROM sessions WHERE view_id = ?'),
    upsertSession: db.prepare(`
      INSERT INTO sessions (view_id, count, sum_bpm, min_bpm, max_bpm, first_t, last_t, last_seq, last_bpm,
        last_received_at, ended_seq, ended_at, exp, exp_seq, exp_set_at, tokens, tokens_at, last_active_at,
        alert_seq, alert_share, alert_settings, alert_state, alert_recent, name, name_seq, max_hr, max_hr_seq)
      VALUES (@view_id, @count, @sum_bpm, @min_bpm, @max_bpm, @first_t, @last_t, @last_seq, @last_bpm,
        @last_received_at, @ended_seq, @ended_at, @exp, @exp_seq, @exp_set_at, @tokens, @tokens_at, @last_active_at,
        @alert_seq, @alert_share, @alert_settings, @alert_state, @alert_recent, @name, @name_seq, @max_hr, @max_hr_seq)
      ON CONFLICT (view_id) DO UPDATE SET count = excluded.count, sum_bpm = excluded.sum_bpm,
        min_bpm = excluded.min_bpm, max_bpm = excluded.max_bpm, first_t = excluded.first_t, last_t = excluded.last_t,
        last_seq = excluded.last_seq, last_bpm = excluded.last_bpm, last_received_at = excluded.last_received_at,
        ended_seq = excluded.ended_seq, ended_at = excluded.ended_at, exp = excluded.exp, exp_seq = excluded.exp_seq,
        exp_set_at = excluded.exp_set_at, tokens = excluded.tokens, tokens_at = excluded.tokens_at,
        last_active_at = excluded.last_active_at, alert_seq = excluded.alert_seq, alert_share = excluded.alert_share,
        alert_settings = excluded.alert_settings, alert_state = excluded.alert_state, alert_recent = excluded.alert_recent,
        name = excluded.name, name_seq = excluded.name_seq, max_hr = excluded.max_hr, max_hr_seq = excluded.max_hr_seq`),
    selectReadings: db.prepare(
      'SELECT seq, t, bpm, rr, contact, kj, pos FROM readings WHERE view_id = ? AND pos > ? ORDER BY pos LIMIT ?',
    ),
    selectReadingExists: db.prepare('SELECT 1 FROM readings WHERE view_id = ? AND seq = ?'),
    countAll: db.prepare('SELECT count(*) AS n FROM readings'),
    deleteInactiveReadings: db.prepare(
      'DELETE FROM readings WHERE view_id IN (SELECT view_id FROM sessions WHERE last_active_at IS NULL OR last_active_at < ?)',
    ),
    deleteInactiveAlertEvents: db.prepare(
      'DELETE FROM alert_events WHERE view_id IN (SELECT view_id FROM sessions WHERE last_active_at IS NULL OR last_active_at < ?)',
    ),
    deleteInactiveSessions: db.prepare('DELETE FROM sessions WHERE last_active_at IS NULL OR last_active_at < ?'),
    insertAlertEvent: db.prepare('INSERT INTO alert_events (view_id, rule_id, kind, type, at, value) VALUES (?, ?, ?, ?, ?, ?)'),
    selectAlertSessions: db.prepare('SELECT * FROM sessions WHERE alert_settings IS NOT NULL'),
    selectAlertLog: db.prepare('SELECT rule_id, kind, type, at, value FROM alert_events WHERE view_id = ? ORDER BY id'),
  };
}

/** Adds the columns an older file lacks, in one transaction: a file is migrated whole or not at all. */
function migrateSessions(db: SqliteDatabase): void {
  const present = new Set((db.pragma('table_info(sessions)') as Array<{ name: string }>).map((column) => column.name));
  const missing = ADDED_SESSION_COLUMNS.filter((column) => !present.has(column.name));
  if (missing.length === 0) return;
  db.transaction(() => {
    for (const column of missing) {
      db.exec(`ALTER TABLE sessions ADD COLUMN ${column.ddl}`);
      if ('backfill' in column) db.exec(column.backfill);
    }
  })();
}

function loadSession(select: Statement, viewId: string): SessionState {
  const row = select.get(viewId) as SessionRow | undefined;
  return row === undefined ? createSessionState(viewId) : fromRow(row);
}

function fromRow(row: SessionRow): SessionState {
  return {
    viewId: row.view_id,
    count: row.count,
    sumBpm: row.sum_bpm,
    minBpm: row.min_bpm,
    maxBpm: row.max_bpm,
    firstT: row.first_t,
    lastT: row.last_t,
    lastSeq: row.last_seq,
    lastBpm: row.last_bpm,
    lastReceivedAt: row.last_received_at,
    endedSeq: row.ended_seq,
    endedAt: row.ended_at,
    exp: row.exp,
    expSeq: row.exp_seq,
    expSetAt: row.exp_set_at,
    tokens: row.tokens,
    tokensAt: row.tokens_at,
    lastActiveAt: row.last_active_at,
    alertSeq: row.alert_seq,
    alertShare: row.alert_share === null ? null : row.alert_share === 1,
    alertSettings: parseJson(row.alert_settings),
    alertState: parseJson(row.alert_state),
    alertRecent: parseJson<AlertEvent[]>(row.alert_recent) ?? [],
    name: row.name,
    nameSeq: row.name_seq,
    maxHr: row.max_hr,
    maxHrSeq: row.max_hr_seq,
  };
}

/** The alert columns hold JSON this store wrote itself (rules parsed strictly on the way in). */
function parseJson<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

function toRow(s: SessionState): SessionRow {
  return {
    view_id: s.viewId,
    count: s.count,
    sum_bpm: s.sumBpm,
    min_bpm: s.minBpm,
    max_bpm: s.maxBpm,
    first_t: s.firstT,
    last_t: s.lastT,
    last_seq: s.lastSeq,
    last_bpm: s.lastBpm,
    last_received_at: s.lastReceivedAt,
    ended_seq: s.endedSeq,
    ended_at: s.endedAt,
    exp: s.exp,
    exp_seq: s.expSeq,
    exp_set_at: s.expSetAt,
    tokens: s.tokens,
    tokens_at: s.tokensAt,
    last_active_at: s.lastActiveAt,
    alert_seq: s.alertSeq,
    alert_share: s.alertShare === null ? null : s.alertShare ? 1 : 0,
    alert_settings: s.alertSettings === null ? null : JSON.stringify(s.alertSettings),
    alert_state: s.alertState === null ? null : JSON.stringify(s.alertState),
    alert_recent: s.alertRecent.length === 0 ? null : JSON.stringify(s.alertRecent),
    name: s.name,
    name_seq: s.nameSeq,
    max_hr: s.maxHr,
    max_hr_seq: s.maxHrSeq,
  };
}

function toStoredReading(row: ReadingRow): StoredReading {
  const reading: StoredReading = { seq: row.seq, t: row.t, bpm: row.bpm };
  if (row.rr !== null) reading.rr = JSON.parse(row.rr) as number[];
  if (row.contact !== null) reading.contact = row.contact === 1;
  if (row.kj !== null) reading.kj = row.kj;
  return reading;
}

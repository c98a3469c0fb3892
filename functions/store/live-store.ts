// The speed layer's store (docs/architecture.md "Two ways to run"): one interface, an embedded SQLite file locally and
// OpenSearch in AWS. The consumer writes through it; the live API reads through it.
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import type { AlertSettings } from '../../src/core/alert-rules.ts';
import type { SharedAlerts } from '../../src/core/record.ts';

/** A validated reading, already keyed by view id: the write key never reaches a store. */
export interface ReadingWrite {
  kind: 'reading';
  viewId: string;
  /** Producer's per-session sequence number: (viewId, seq) is the reading's identity. */
  seq: number;
  /** Device time, epoch ms. */
  t: number;
  bpm: number;
  rr?: number[];
  contact?: boolean;
  kj?: number;
  /** Server time that counts for liveness (see receiveTimeOf), epoch ms. */
  receivedAt: number;
  /**
   * The stream's sequence number for the record that carried this reading (a decimal string, up to 128 bits).
   * The same Kinesis record keeps it across Lambda retries; a producer's resend gets a new, larger one.
   */
  streamSeq: string;
}

/**
 * Broadcaster stopped (`end`) and/or share-link expiry (`exp`; exp <= t means revoked). `t` and `exp` are device
 * times, read only as the pair `exp - t`: the control takes effect at `receivedAt` (see applyControl).
 */
export interface ControlWrite {
  kind: 'control';
  viewId: string;
  seq: number;
  t: number;
  end?: true;
  exp?: number;
  /** The session's alert rules and whether viewers see them; the newest by seq wins (see applyControl). */
  alerts?: SharedAlerts;
  /** The broadcaster's display name (normalized by src/core/display-name.ts; '' clears it) and max HR; each newest by seq wins. */
  name?: string;
  maxHr?: number;
  /**
   * Server time the record counts as received (see receiveTimeOf), epoch ms: when the control takes effect
   * (see applyControl) and the session's last activity.
   */
  receivedAt: number;
  streamSeq: string;
}

/**
 * A contact gap (bpm 0 with contact false): not a reading, never stored as one, but the alert engine hears of it
 * as a contact loss. A session without alert rules ignores it.
 */
export interface ContactGapWrite {
  kind: 'contact-gap';
  viewId: string;
  seq: number;
  t: number;
  receivedAt: number;
  streamSeq: string;
}

export type LiveWrite = ReadingWrite | ControlWrite | ContactGapWrite;

/**
 * Alert events a write stored, and whether the session shares its alerts with viewers at that point: handed to
 * the alert outlet (functions/alerts/alert-outlet.ts) only once the store has written them.
 */
export interface StoredAlerts {
  share: boolean;
  events: AlertEvent[];
}

/**
 * Per item of a batch, in the batch's order.
 * - stored: newly written (a reading counted in the session's statistics, or a control that changed state);
 *   `alerts` holds the alert events it produced, stored with it (what the alert outlet publishes afterwards).
 * - duplicate: already there under its identity; nothing changed.
 * - failed: transient (throttling, unavailable); the caller retries it and everything after it.
 * - rejected: the store will never accept it (e.g. a mapping error); the caller drops it and counts it.
 * - limited: a new reading over its session's rate limit (src/core/session-rate-limit.ts); not stored, and
 *   the caller drops it and counts it. A duplicate is recognised first and never limited.
 */
export type WriteResult =
  | { status: 'stored'; alerts?: StoredAlerts }
  | { status: 'duplicate' }
  | { status: 'failed'; error: string }
  | { status: 'rejected'; error: string }
  | { status: 'limited' };

export interface SessionSnapshot {
  viewId: string;
  /** Distinct readings stored. */
  count: number;
  /** Device times of the earliest and latest readings (min and max of t, not arrival order). */
  firstT: number | null;
  lastT: number | null;
  minBpm: number | null;
  maxBpm: number | null;
  /** Mean over distinct readings. */
  avgBpm: number | null;
  /** The reading with the highest seq: the producer's latest, even when resends arrive after it. */
  lastSeq: number | null;
  lastBpm: number | null;
  /** Server time of the latest newly stored reading (liveness). */
  lastReceivedAt: number | null;
  /** Highest seq of an `end` control record, and when it was received (server time). */
  endedSeq: number | null;
  endedAt: number | null;
  /**
   * The link's expiry and when it was set, both server time: exp <= expSetAt means revoked. From the expiry
   * control with the highest seq, unless a revoke came first: a revoked link stays revoked.
   */
  exp: number | null;
  expSetAt: number | null;
  /** Where a reader that has seen everything stands: getReadings(viewId, cursor) returns only newer readings. */
  cursor: string;
  /** The alert rules the broadcaster sent and what the pipeline made of them; null when none were ever sent. */
  alerts: SessionAlertsSnapshot | null;
  /** The broadcaster's display name and max HR; null when never set (a cleared name is null too). */
  name: string | null;
  maxHr: number | null;
}

export interface SessionAlertsSnapshot {
  /** Whether the broadcaster lets viewers see the alerts (the live API serves them only then). */
  share: boolean;
  settings: AlertSettings;
  /** Rule ids whose alert is on now. */
  active: string[];
  /** The newest events, oldest first (at most ALERT_RECENT_LIMIT). */
  recent: AlertEvent[];
}

export interface StoredReading {
  seq: number;
  t: number;
  bpm: number;
  rr?: number[];
  contact?: boolean;
  kj?: number;
}

export interface ReadingsPage {
  /** In ingestion order (the order the store accepted them), which is not necessarily seq order. */
  readings: StoredReading[];
  /** Pass back as `after` for the next page; equals `after` when nothing new was returned. */
  cursor: string;
  /** More readings are available right now after `cursor`. */
  more: boolean;
}

/**
 * Cursors are ingestion positions, never a reading's seq: a resent reading lands after later seqs, and a
 * reader that had moved past its seq would miss it. Every store guarantees that readings after a cursor are
 * exactly the readings it accepted after the ones already returned — see each store for why.
 * Format: a non-negative decimal integer of at most 64 digits; "0" is the start of a session.
 */
export const START_CURSOR = '0';
const CURSOR_PATTERN = /^(0|[1-9][0-9]{0,63})$/;

export function isCursor(value: unknown): value is string {
  return typeof value === 'string' && CURSOR_PATTERN.test(value);
}

export interface LiveStore {
  /** Writes one consumer batch; results[i] belongs to items[i]. Idempotent per identity (viewId, seq). */
  writeBatch(items: readonly LiveWrite[]): Promise<WriteResult[]>;
  /** null when nothing was ever stored for the view id. */
  getSession(viewId: string): Promise<SessionSnapshot | null>;
  /** `after` must satisfy isCursor; `limit` is at least 1. */
  getReadings(viewId: string, after: string, limit: number): Promise<ReadingsPage>;
  /**
   * Optional: resolves true as soon as a reading newer than `after` is stored (at once if there is one) or a
   * control record changes the session (ended, revoked, alert rules) or an alert event is stored, false after timeoutMs or when the store closes. Lets a
   * local long-poll answer within milliseconds.
   */
  waitForReadings?(viewId: string, after: string, timeoutMs: number): Promise<boolean>;
  /**
   * Optional: writeBatch, and what it changed in each session it wrote, known from the write itself. The AWS push
   * channel publishes these (functions/push/) with no store read after the write; only the OpenSearch store has it.
   * `onDurable` hears of the readings as soon as they are durable, before they are searchable (their changes carry
   * readings only, `stateChanged` false): awaited together with the store's refresh wait.
   */
  writeBatchWithChanges?(
    items: readonly LiveWrite[],
    onDurable?: (changes: SessionChange[]) => Promise<unknown>,
  ): Promise<{ results: WriteResult[]; changes: SessionChange[] }>;
  close(): Promise<void>;
}

/** What one write changed in one session, as the store knows it right after writing (see writeBatchWithChanges). */
export interface SessionChange {
  /** The session after the write; its cursor is where `readings` end. */
  session: SessionSnapshot;
  /** The session's cursor before the write. */
  from: string;
  /** The readings now visible after `from`, in ingestion order, each with the cursor that stands right after it. */
  readings: Array<{ cursor: string; reading: StoredReading }>;
  /** A control record or stored alert events changed the session; false when only readings were added. */
  stateChanged: boolean;
}

/** What the sessions' retention (functions/retention/) needs of a store; both stores implement it. */
export interface SessionRetentionStore {
  /**
   * Deletes the sessions whose last activity (server time of the latest reading or control record that changed
   * them) is before `cutoff`, epoch ms, with the readings the store keeps by session; how many sessions went.
   */
  deleteSessionsInactiveBefore(cutoff: number): Promise<number>;
}

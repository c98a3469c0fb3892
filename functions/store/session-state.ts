// Session state kept next to the readings, shared by both stores so their statistics agree. The heart-rate
// statistics are core's (src/core/session-stats.ts, the same rule the broadcaster's phone applies); this file
// adds what only the server knows: receive times for liveness, the producer's latest seq, and control records.
// Callers feed addReading only readings that are new under their identity, which keeps duplicates out of the
// counts. Both updates report whether they changed the state: that, and nothing else, tells a store whether
// to write the session back. The rate limit's bucket lives here too, so it persists with the session in either
// store and holds across Lambda instances and restarts. So do the alert rules the broadcaster sent and the
// alert engine's state (src/core/alert-engine.ts): the consumer folds each new reading in, in stream order, with
// the server's receive time, and the scheduled alert clock (functions/alert-clock/) folds the passage of time.
import { activeAlertIds, createAlertState, foldReading, startWatching, type AlertEvent, type AlertState } from '../../src/core/alert-engine.ts';
import type { AlertSettings } from '../../src/core/alert-rules.ts';
import { takeToken, tokensAt, type TokenBucket } from '../../src/core/session-rate-limit.ts';
import { addToSummary, averageOf, createBpmSummary, type BpmSummary } from '../../src/core/session-stats.ts';
import type { ControlWrite, ReadingWrite, SessionSnapshot } from './live-store.ts';

/** Alert events kept with the session for the live API, newest last: a viewer joining late sees what happened. */
export const ALERT_RECENT_LIMIT = 20;

export interface SessionState extends BpmSummary {
  viewId: string;
  lastSeq: number | null;
  lastBpm: number | null;
  lastReceivedAt: number | null;
  endedSeq: number | null;
  endedAt: number | null;
  exp: number | null;
  expSeq: number | null;
  expSetAt: number | null;
  /** The rate limit's bucket (src/core/session-rate-limit.ts): level and server time of the last token taken; null = full. */
  tokens: number | null;
  tokensAt: number | null;
  /** Server time of the latest reading or control record that changed the session: what retention goes by. */
  lastActiveAt: number | null;
  /** Seq of the control record whose alert rules hold (the newest wins); null = none ever sent. */
  alertSeq: number | null;
  /** Whether viewers see the alerts; the rules are evaluated either way, so sharing again shows the truth at once. */
  alertShare: boolean | null;
  alertSettings: AlertSettings | null;
  /** The engine's state (plain JSON), from the first rules on. */
  alertState: AlertState | null;
  /** The newest events, oldest first, at most ALERT_RECENT_LIMIT. */
  alertRecent: AlertEvent[];
  /** The display name (null: none or cleared) and the seq of the control record that set it; likewise max HR. */
  name: string | null;
  nameSeq: number | null;
  maxHr: number | null;
  maxHrSeq: number | null;
}

export function createSessionState(viewId: string): SessionState {
  return {
    viewId,
    ...createBpmSummary(),
    lastSeq: null,
    lastBpm: null,
    lastReceivedAt: null,
    endedSeq: null,
    endedAt: null,
    exp: null,
    expSeq: null,
    expSetAt: null,
    tokens: null,
    tokensAt: null,
    lastActiveAt: null,
    alertSeq: null,
    alertShare: null,
    alertSettings: null,
    alertState: null,
    alertRecent: [],
    name: null,
    nameSeq: null,
    maxHr: null,
    maxHrSeq: null,
  };
}

/**
 * Takes a token for a new reading received at `receivedAt`; false when the session is over its rate limit
 * (the state is then unchanged). Call it only for readings that are new under their identity: a duplicate
 * must never spend one.
 */
export function takeReadingToken(s: SessionState, receivedAt: number): boolean {
  const next = takeToken(bucketOf(s), receivedAt);
  if (next === null) return false;
  s.tokens = next.tokens;
  s.tokensAt = next.at;
  return true;
}

/** Counts a reading that is new under its identity; true when the state changed. */
export function addReading(s: SessionState, r: Pick<ReadingWrite, 'seq' | 't' | 'bpm' | 'receivedAt'>): boolean {
  if (!addToSummary(s, r.t, r.bpm)) return false;
  if (s.lastSeq === null || r.seq > s.lastSeq) {
    s.lastSeq = r.seq;
    s.lastBpm = r.bpm;
  }
  s.lastReceivedAt = s.lastReceivedAt === null ? r.receivedAt : Math.max(s.lastReceivedAt, r.receivedAt);
  markActive(s, r.receivedAt);
  return true;
}

/**
 * Merges a control record; true when the state changed. It takes effect when it was received, never at its
 * device time (phone clocks are set by hand): an expiry is kept as `receivedAt + (exp - t)`, so the device's
 * skew cancels, and `exp <= t` revokes at `receivedAt`. A revoke is final: a later expiry cannot revive the
 * link, whatever its seq, so the outcome does not depend on the order in which retries deliver controls.
 * Otherwise end and expiry resolve by the highest seq. (Records from before this rule kept device times;
 * their revokes still read as exp <= expSetAt.)
 */
export function applyControl(
  s: SessionState,
  c: Pick<ControlWrite, 'seq' | 't' | 'end' | 'exp' | 'alerts' | 'name' | 'maxHr' | 'receivedAt'>,
): boolean {
  let changed = applyProfile(s, c);
  if (c.alerts !== undefined && (s.alertSeq === null || c.seq > s.alertSeq)) {
    s.alertSeq = c.seq;
    s.alertShare = c.alerts.share;
    s.alertSettings = c.alerts.settings;
    // The engine's state survives a change of rules: it keys each rule by its whole definition, so an unchanged
    // rule keeps its alert and a changed one starts afresh. "No data" counts from the first rules' arrival.
    s.alertState ??= createAlertState();
    startWatching(s.alertState, c.receivedAt);
    changed = true;
  }
  if (c.end === true && (s.endedSeq === null || c.seq > s.endedSeq)) {
    s.endedSeq = c.seq;
    s.endedAt = c.receivedAt;
    changed = true;
  }
  if (c.exp !== undefined && !isRevoked(s)) {
    const revokes = c.exp <= c.t;
    if (revokes || s.expSeq === null || c.seq > s.expSeq) {
      s.exp = revokes ? c.receivedAt : c.receivedAt + (c.exp - c.t);
      s.expSeq = c.seq;
      s.expSetAt = c.receivedAt;
      changed = true;
    }
  }
  if (changed) markActive(s, c.receivedAt);
  return changed;
}

/** Display name and max HR, each on its own: a record carrying only one leaves the other as it was. */
function applyProfile(s: SessionState, c: Pick<ControlWrite, 'seq' | 'name' | 'maxHr'>): boolean {
  let changed = false;
  if (c.name !== undefined && (s.nameSeq === null || c.seq > s.nameSeq)) {
    s.name = c.name === '' ? null : c.name;
    s.nameSeq = c.seq;
    changed = true;
  }
  if (c.maxHr !== undefined && (s.maxHrSeq === null || c.seq > s.maxHrSeq)) {
    s.maxHr = c.maxHr;
    s.maxHrSeq = c.seq;
    changed = true;
  }
  return changed;
}

/**
 * Folds a new reading (or a contact gap: bpm 0, contact false) into the session's alert engine at its receive
 * time and keeps the events; [] when the session has no rules. Feed only what is new under its identity, in
 * stream order: the engine also ignores a seq at or below the newest it saw, so a replay yields nothing.
 */
export function foldAlertReading(s: SessionState, r: { seq: number; receivedAt: number; bpm: number; contact?: boolean | undefined }): AlertEvent[] {
  if (s.alertSettings === null || s.alertState === null) return [];
  const reading = r.contact === undefined ? { seq: r.seq, at: r.receivedAt, bpm: r.bpm } : { seq: r.seq, at: r.receivedAt, bpm: r.bpm, contact: r.contact };
  const events = foldReading(s.alertSettings, s.alertState, reading);
  keepAlertEvents(s, events);
  return events;
}

/** Appends events to the session's recent list, dropping the oldest beyond ALERT_RECENT_LIMIT. */
export function keepAlertEvents(s: SessionState, events: readonly AlertEvent[]): void {
  if (events.length === 0) return;
  s.alertRecent = [...s.alertRecent, ...events].slice(-ALERT_RECENT_LIMIT);
}

/** The link was turned off: its expiry is not after the moment it was set. */
export function isRevoked(s: Pick<SessionState, 'exp' | 'expSetAt'>): boolean {
  return s.exp !== null && s.expSetAt !== null && s.exp <= s.expSetAt;
}

/** Whether takeReadingToken would succeed; changes nothing (a store that learns only on insert whether a reading is new asks first). */
export function hasReadingToken(s: SessionState, receivedAt: number): boolean {
  return tokensAt(bucketOf(s), receivedAt) >= 1;
}

function bucketOf(s: SessionState): TokenBucket | null {
  return s.tokens === null || s.tokensAt === null ? null : { tokens: s.tokens, at: s.tokensAt };
}

function markActive(s: SessionState, receivedAt: number): void {
  s.lastActiveAt = s.lastActiveAt === null ? receivedAt : Math.max(s.lastActiveAt, receivedAt);
}

export function toSnapshot(s: SessionState, cursor: string): SessionSnapshot {
  return {
    viewId: s.viewId,
    count: s.count,
    firstT: s.firstT,
    lastT: s.lastT,
    minBpm: s.minBpm,
    maxBpm: s.maxBpm,
    avgBpm: averageOf(s),
    lastSeq: s.lastSeq,
    lastBpm: s.lastBpm,
    lastReceivedAt: s.lastReceivedAt,
    endedSeq: s.endedSeq,
    endedAt: s.endedAt,
    exp: s.exp,
    expSetAt: s.expSetAt,
    cursor,
    alerts:
      s.alertSettings === null || s.alertState === null
        ? null
        : { share: s.alertShare === true, settings: s.alertSettings, active: activeAlertIds(s.alertSettings, s.alertState), recent: s.alertRecent },
    name: s.name,
    maxHr: s.maxHr,
  };
}

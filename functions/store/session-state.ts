// Session state kept next to the readings, shared by both stores so their statistics agree. Callers feed
// addReading only readings that are new under their identity, which is what keeps duplicates out of the counts.
import type { ControlWrite, ReadingWrite, SessionSnapshot } from './live-store.ts';

export interface SessionState {
  viewId: string;
  count: number;
  sumBpm: number;
  minBpm: number | null;
  maxBpm: number | null;
  firstT: number | null;
  lastT: number | null;
  lastSeq: number | null;
  lastBpm: number | null;
  lastReceivedAt: number | null;
  endedSeq: number | null;
  endedAt: number | null;
  exp: number | null;
  expSeq: number | null;
  expSetAt: number | null;
}

export function createSessionState(viewId: string): SessionState {
  return {
    viewId,
    count: 0,
    sumBpm: 0,
    minBpm: null,
    maxBpm: null,
    firstT: null,
    lastT: null,
    lastSeq: null,
    lastBpm: null,
    lastReceivedAt: null,
    endedSeq: null,
    endedAt: null,
    exp: null,
    expSeq: null,
    expSetAt: null,
  };
}

export function addReading(s: SessionState, r: Pick<ReadingWrite, 'seq' | 't' | 'bpm' | 'receivedAt'>): void {
  s.count++;
  s.sumBpm += r.bpm;
  s.minBpm = s.minBpm === null ? r.bpm : Math.min(s.minBpm, r.bpm);
  s.maxBpm = s.maxBpm === null ? r.bpm : Math.max(s.maxBpm, r.bpm);
  // Min and max, not first and last seen: resends arrive after later readings.
  s.firstT = s.firstT === null ? r.t : Math.min(s.firstT, r.t);
  s.lastT = s.lastT === null ? r.t : Math.max(s.lastT, r.t);
  if (s.lastSeq === null || r.seq > s.lastSeq) {
    s.lastSeq = r.seq;
    s.lastBpm = r.bpm;
  }
  s.lastReceivedAt = s.lastReceivedAt === null ? r.receivedAt : Math.max(s.lastReceivedAt, r.receivedAt);
}

/**
 * Merges a control record; true when the state changed. Both fields resolve by the highest seq, so the
 * outcome does not depend on the order in which retries deliver control records.
 */
export function applyControl(s: SessionState, c: Pick<ControlWrite, 'seq' | 't' | 'end' | 'exp'>): boolean {
  let changed = false;
  if (c.end === true && (s.endedSeq === null || c.seq > s.endedSeq)) {
    s.endedSeq = c.seq;
    s.endedAt = c.t;
    changed = true;
  }
  if (c.exp !== undefined && (s.expSeq === null || c.seq > s.expSeq)) {
    s.exp = c.exp;
    s.expSeq = c.seq;
    s.expSetAt = c.t;
    changed = true;
  }
  return changed;
}

export function toSnapshot(s: SessionState, cursor: string): SessionSnapshot {
  return {
    viewId: s.viewId,
    count: s.count,
    firstT: s.firstT,
    lastT: s.lastT,
    minBpm: s.minBpm,
    maxBpm: s.maxBpm,
    avgBpm: s.count === 0 ? null : s.sumBpm / s.count,
    lastSeq: s.lastSeq,
    lastBpm: s.lastBpm,
    lastReceivedAt: s.lastReceivedAt,
    endedSeq: s.endedSeq,
    endedAt: s.endedAt,
    exp: s.exp,
    expSetAt: s.expSetAt,
    cursor,
  };
}

// Running summary of a session's heart rate, O(1) per reading. The broadcaster's phone keeps one as readings
// arrive (SessionStats) and the live store keeps one per session next to the readings
// (functions/store/session-state.ts): one rule, so a viewer's numbers are computed as the broadcaster's are.

/** Plain data, so a store can keep it as a document or a row and load it back. */
export interface BpmSummary {
  count: number;
  sumBpm: number;
  minBpm: number | null;
  maxBpm: number | null;
  /** Device times of the earliest and latest readings counted. */
  firstT: number | null;
  lastT: number | null;
}

export function createBpmSummary(): BpmSummary {
  return { count: 0, sumBpm: 0, minBpm: null, maxBpm: null, firstT: null, lastT: null };
}

/**
 * Counts one reading; returns whether the summary changed. A bpm of 0 (a contact gap) or anything not a
 * positive number is not a reading and is ignored.
 */
export function addToSummary(s: BpmSummary, t: number, bpm: number): boolean {
  if (!(bpm > 0) || !Number.isFinite(bpm) || !Number.isFinite(t)) return false;
  s.count++;
  s.sumBpm += bpm;
  s.minBpm = s.minBpm === null ? bpm : Math.min(s.minBpm, bpm);
  s.maxBpm = s.maxBpm === null ? bpm : Math.max(s.maxBpm, bpm);
  // Min and max rather than first and last added: retried readings can arrive out of order.
  s.firstT = s.firstT === null ? t : Math.min(s.firstT, t);
  s.lastT = s.lastT === null ? t : Math.max(s.lastT, t);
  return true;
}

export function averageOf(s: BpmSummary): number | null {
  return s.count === 0 ? null : s.sumBpm / s.count;
}

/** The same summary behind getters, for the broadcaster's session state. */
export class SessionStats {
  private readonly summary = createBpmSummary();

  add(t: number, bpm: number): void {
    addToSummary(this.summary, t, bpm);
  }

  get count(): number {
    return this.summary.count;
  }

  get min(): number | null {
    return this.summary.minBpm;
  }

  get max(): number | null {
    return this.summary.maxBpm;
  }

  get average(): number | null {
    return averageOf(this.summary);
  }

  get firstT(): number | null {
    return this.summary.firstT;
  }

  get lastT(): number | null {
    return this.summary.lastT;
  }
}

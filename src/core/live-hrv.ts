// The broadcaster's HRV while the session grows: SDNN and pNN50 of the whole session so far, DFA α1 over the
// last two minutes. Framework-free, so the panel's state only mirrors what refresh() returns.
import { RollingDfaAlpha1, summarizeSpread } from './hrv-measures.ts';

export interface LiveHrvValues {
  sdnn: number | null;
  pnn50: number | null;
  /** Rolling, over the last 2 minutes of RR time. */
  dfaAlpha1: number | null;
}

const MIN_REFRESH_INTERVAL_MS = 1000;
/**
 * SDNN and pNN50 are recomputed over the whole session (summarizeSpread: summarizeHrv's correction and measures, so
 * they never disagree with the per-session figures, less its whole-session α1, which no live panel shows), which grows with it: ~10 ms at 8 hours. Waiting at least 50 × the last cost
 * between refreshes keeps that under 2 % of the main thread however long the session runs.
 */
const COST_FACTOR = 50;

export class LiveHrv {
  private rr = new Float64Array(1024);
  private length = 0;
  private readonly rolling = new RollingDfaAlpha1();
  private refreshedLength = 0;
  private nextRefreshAt = -Infinity;

  /** `elapsedMs` is a monotonic clock for the cost of a refresh (performance.now in the app). */
  constructor(private readonly elapsedMs: () => number) {}

  push(rrMs: number): void {
    if (this.length === this.rr.length) {
      const grown = new Float64Array(this.rr.length * 2);
      grown.set(this.rr);
      this.rr = grown;
    }
    this.rr[this.length++] = rrMs;
    this.rolling.push(rrMs);
  }

  /** Values as of now when a refresh is due (new intervals, and the interval passed since the last); else null. */
  refresh(nowMs: number): LiveHrvValues | null {
    if (this.length === this.refreshedLength || nowMs < this.nextRefreshAt) return null;
    const started = this.elapsedMs();
    const { sdnn, pnn50 } = summarizeSpread(this.rr.subarray(0, this.length));
    const cost = this.elapsedMs() - started;
    this.refreshedLength = this.length;
    this.nextRefreshAt = nowMs + Math.max(MIN_REFRESH_INTERVAL_MS, cost * COST_FACTOR);
    return { sdnn, pnn50, dfaAlpha1: this.rolling.value };
  }
}

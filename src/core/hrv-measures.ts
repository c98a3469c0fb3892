// Heart-rate variability beyond RMSSD: SDNN, pNN50 and short-term DFA α1, over RR intervals cleaned of
// ectopic, missed and extra beats first (a single ectopic pair moves SDNN and α1 far more than RMSSD's
// 20 % rule can hide).
import { MAX_RR_CHANGE, MAX_RR_MS, MIN_RR_MS, isSmallChange, rmssd } from './hrv.ts';

export interface HrvSummary {
  /** Intervals in the input. */
  intervals: number;
  /** Intervals replaced by interpolation or removed (out of range, or deviating from the local median). */
  corrected: number;
  rmssd: number | null;
  sdnn: number | null;
  pnn50: number | null;
  dfaAlpha1: number | null;
}

/** Beats either side of the one judged: an 11-beat median, as in Kubios' median-filtered local average. */
const MEDIAN_HALF_WIDTH = 5;
/**
 * Longer runs of artefacts are removed rather than interpolated: a straight line across many beats would
 * invent a steady rhythm and pull SDNN and α1 down. Five beats covers an ectopic pair and a few misreads.
 */
const MAX_INTERPOLATED_RUN = 5;
/** DFA α1's box sizes, in beats (the usual short-term range). */
const MIN_BOX = 4;
const MAX_BOX = 16;
/** Four boxes of the largest size: fewer and F(16) rests on too few boxes to say anything. */
export const MIN_DFA_INTERVALS = 4 * MAX_BOX;
/** The live α1 is recomputed once per this much RR time, not per beat. */
const ROLLING_RECOMPUTE_MS = 1000;
/** The window DFA α1 is taken over, live and in history: 2 minutes of RR time. */
export const DEFAULT_DFA_WINDOW_MS = 120_000;

/**
 * Artefact correction after the Kubios threshold approach (Tarvainen et al., Kubios HRV user guide): each
 * interval is compared with the median of the 11 around it, and one that differs by more than 20 %
 * (hrv.ts' MAX_RR_CHANGE, between Kubios' "medium" 25 % and "strong" 15 % at 60 bpm) is an artefact, as is
 * anything outside 300..2000 ms or not a number. Artefacts are replaced by linear interpolation between
 * the nearest good intervals; runs longer than 5 beats, and runs at either end, are removed.
 *
 * Chosen over Lipponen & Tarvainen 2019, which classifies each artefact type from successive-difference
 * distributions: the threshold rule is a few lines, needs no tuning per series, and a local median already
 * flags all three injected kinds (short + compensatory long, doubled, split) at usual beat-to-beat
 * variability. It keeps the number of intervals: a missed beat's doubled interval becomes one ordinary interval
 * (not two), a split one two ordinary ones, so the series' time drifts by an interval per such artefact;
 * harmless for these measures, which do not look at the clock.
 */
export function correctArtefacts(rrMs: ArrayLike<number>): { rr: Float64Array; corrected: number } {
  // One typed copy, out-of-range values as NaN: the median loop then reads one array shape only.
  const values = new Float64Array(rrMs.length);
  for (let i = 0; i < values.length; i++) {
    const value = rrMs[i] ?? NaN;
    values[i] = value >= MIN_RR_MS && value <= MAX_RR_MS ? value : NaN;
  }
  return interpolateArtefacts(values, flagAgainstLocalMedian(values));
}

/**
 * The window's valid values are kept sorted as it slides: one value enters and one leaves per beat, each an
 * insertion or removal among at most 11, rather than sorting 11 values for every beat.
 */
function flagAgainstLocalMedian(values: Float64Array): Uint8Array {
  const n = values.length;
  const good = new Uint8Array(n);
  const window = new Float64Array(2 * MEDIAN_HALF_WIDTH + 1);
  let size = 0;
  for (let j = 0; j < Math.min(MEDIAN_HALF_WIDTH, n); j++) size = insertSorted(window, size, values[j] ?? NaN);
  for (let i = 0; i < n; i++) {
    // Out before in: the window holds at most 11.
    if (i - MEDIAN_HALF_WIDTH - 1 >= 0) size = removeSorted(window, size, values[i - MEDIAN_HALF_WIDTH - 1] ?? NaN);
    if (i + MEDIAN_HALF_WIDTH < n) size = insertSorted(window, size, values[i + MEDIAN_HALF_WIDTH] ?? NaN);
    const value = values[i] ?? NaN;
    if (Number.isNaN(value)) continue;
    const median = size % 2 === 1 ? (window[size >> 1] ?? NaN) : ((window[size / 2 - 1] ?? NaN) + (window[size / 2] ?? NaN)) / 2;
    good[i] = Math.abs(value - median) <= median * MAX_RR_CHANGE ? 1 : 0;
  }
  return good;
}

/** Inserts into the sorted prefix of `sorted` (NaN, an invalid interval, is left out); returns the new size. */
function insertSorted(sorted: Float64Array, size: number, value: number): number {
  if (Number.isNaN(value)) return size;
  let k = size;
  while (k > 0 && (sorted[k - 1] ?? NaN) > value) {
    sorted[k] = sorted[k - 1] ?? NaN;
    k--;
  }
  sorted[k] = value;
  return size + 1;
}

/** Removes one occurrence of `value` from the sorted prefix (NaN was never inserted); returns the new size. */
function removeSorted(sorted: Float64Array, size: number, value: number): number {
  if (Number.isNaN(value)) return size;
  let k = 0;
  while (k < size && sorted[k] !== value) k++;
  for (; k < size - 1; k++) sorted[k] = sorted[k + 1] ?? NaN;
  return size - 1;
}

function interpolateArtefacts(rrMs: Float64Array, good: Uint8Array): { rr: Float64Array; corrected: number } {
  const n = rrMs.length;
  const out = new Float64Array(n);
  let length = 0;
  let previousGood = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && !good[i]) continue;
    const run = i - previousGood - 1;
    // A run bounded by good intervals on both sides and short enough is bridged; otherwise it is dropped.
    if (run > 0 && run <= MAX_INTERPOLATED_RUN && previousGood >= 0 && i < n) {
      const from = rrMs[previousGood] ?? NaN;
      const step = ((rrMs[i] ?? NaN) - from) / (run + 1);
      for (let k = 1; k <= run; k++) out[length++] = from + step * k;
    }
    if (i < n) out[length++] = rrMs[i] ?? NaN;
    previousGood = i;
  }
  return { rr: out.slice(0, length), corrected: n - countGood(good) };
}

function countGood(good: Uint8Array): number {
  let count = 0;
  for (const flag of good) count += flag;
  return count;
}

/** The whole session's HRV over its corrected RR series; each measure null when too few intervals remain. */
export function summarizeHrv(rrMs: ArrayLike<number>): HrvSummary {
  return summarizeCorrected(rrMs.length, correctArtefacts(rrMs));
}

/**
 * SDNN and pNN50 of the whole session, as summarizeHrv gives them (the same correction, the same measures), without
 * its whole-session DFA α1: the live panels show the rolling α1 instead, so each refresh skips that cost.
 */
export function summarizeSpread(rrMs: ArrayLike<number>): Pick<HrvSummary, 'sdnn' | 'pnn50'> {
  const { rr } = correctArtefacts(rrMs);
  return { sdnn: sdnn(rr), pnn50: pnn50(rr) };
}

function summarizeCorrected(intervals: number, { rr, corrected }: { rr: Float64Array; corrected: number }): HrvSummary {
  return { intervals, corrected, rmssd: rmssd(rr), sdnn: sdnn(rr), pnn50: pnn50(rr), dfaAlpha1: dfaAlpha1(rr) };
}

/** A recorded session's HRV: the whole-session measures and DFA α1 per window of RR time, in order. */
export interface SessionHrv extends HrvSummary {
  /** α1 of each consecutive window (null where it held too few beats); the last, partial window is left out. */
  alpha1Windows: (number | null)[];
  windowMs: number;
}

/**
 * The history's view of α1: the rolling 2-minute window the live panel shows, taken as consecutive windows over
 * the corrected series (the time axis is the sum of the intervals, as in RollingDfaAlpha1). Consecutive rather
 * than sliding windows keep an 8-hour session at about 240 α1 computations instead of one per beat.
 */
export function summarizeSessionHrv(rrMs: ArrayLike<number>, windowMs = DEFAULT_DFA_WINDOW_MS): SessionHrv {
  const correction = correctArtefacts(rrMs);
  const alpha1Windows: (number | null)[] = [];
  const rr = correction.rr;
  let start = 0;
  let elapsed = 0;
  for (let i = 0; i < rr.length; i++) {
    elapsed += rr[i] ?? 0;
    if (elapsed < windowMs) continue;
    alpha1Windows.push(dfaAlpha1(rr.subarray(start, i + 1)));
    start = i + 1;
    elapsed = 0;
  }
  return { ...summarizeCorrected(rrMs.length, correction), alpha1Windows, windowMs };
}

/** Sample standard deviation of the intervals (ms), null below 2. Welford's update keeps it exact over 8 h. */
function sdnn(rr: Float64Array): number | null {
  if (rr.length < 2) return null;
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < rr.length; i++) {
    const value = rr[i] ?? NaN;
    const delta = value - mean;
    mean += delta / (i + 1);
    m2 += delta * (value - mean);
  }
  return Math.sqrt(m2 / (rr.length - 1));
}

/**
 * Percentage of successive differences over 50 ms. A jump the correction left in place is a change of
 * rhythm (after a dropout, say), not variability: as in hrv.ts' RMSSD, no difference is taken across it.
 */
function pnn50(rr: Float64Array): number | null {
  let differences = 0;
  let over = 0;
  for (let i = 1; i < rr.length; i++) {
    const previous = rr[i - 1] ?? NaN;
    const value = rr[i] ?? NaN;
    if (!isSmallChange(previous, value)) continue;
    differences++;
    if (Math.abs(value - previous) > 50) over++;
  }
  return differences === 0 ? null : (100 * over) / differences;
}

/**
 * Short-term detrended fluctuation analysis (Peng et al. 1995): integrate the mean-removed series, cut it
 * into boxes of n = 4..16 beats (from the start and again from the end, so no beats are left out), fit a
 * line in each box, and take the least-squares slope of log F(n) against log n, where F(n) is the root mean
 * square of the residuals. Null below MIN_DFA_INTERVALS, or when the series does not vary at all.
 * O(13 · N): about half a million multiply-adds for an 8-hour session.
 */
export function dfaAlpha1(rrMs: ArrayLike<number>): number | null {
  const n = rrMs.length;
  if (n < MIN_DFA_INTERVALS) return null;
  const profile = integratedProfile(rrMs);
  let sumX = 0;
  let sumY = 0;
  let sumXX = 0;
  let sumXY = 0;
  const sizes = MAX_BOX - MIN_BOX + 1;
  for (let box = MIN_BOX; box <= MAX_BOX; box++) {
    const fluctuation = boxFluctuation(profile, box);
    if (!(fluctuation > 0)) return null;
    const x = Math.log(box);
    const y = Math.log(fluctuation);
    sumX += x;
    sumY += y;
    sumXX += x * x;
    sumXY += x * y;
  }
  return (sizes * sumXY - sumX * sumY) / (sizes * sumXX - sumX * sumX);
}

/** y(k) = Σ (rr_i − mean), k = 1..N. */
function integratedProfile(rrMs: ArrayLike<number>): Float64Array {
  const n = rrMs.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += rrMs[i] ?? NaN;
  mean /= n;
  const profile = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    sum += (rrMs[i] ?? NaN) - mean;
    profile[i] = sum;
  }
  return profile;
}

/** F(n): RMS of the residuals from a straight line fitted in each box, boxes laid from both ends. */
function boxFluctuation(profile: Float64Array, box: number): number {
  const boxes = Math.floor(profile.length / box);
  const tail = profile.length - boxes * box;
  let squares = 0;
  for (let b = 0; b < boxes; b++) {
    squares += boxResidualSquares(profile, b * box, box);
    squares += boxResidualSquares(profile, tail + b * box, box);
  }
  return Math.sqrt(squares / (2 * boxes * box));
}

/**
 * Residual sum of squares of the least-squares line through profile[start..start+box) against x = 0..box−1,
 * from running sums. Values are taken relative to the box's first one so the sums stay small (a drifting
 * profile reaches 10⁶ and more, where Σy² − (Σy)²/n would cancel away the digits that matter).
 */
function boxResidualSquares(profile: Float64Array, start: number, box: number): number {
  const origin = profile[start] ?? NaN;
  let sy = 0;
  let sxy = 0;
  let syy = 0;
  for (let x = 0; x < box; x++) {
    const y = (profile[start + x] ?? NaN) - origin;
    sy += y;
    sxy += x * y;
    syy += y * y;
  }
  const sx = (box * (box - 1)) / 2;
  const sxx = ((box - 1) * box * (2 * box - 1)) / 6;
  const varX = sxx - (sx * sx) / box;
  const covXY = sxy - (sx * sy) / box;
  return Math.max(0, syy - (sy * sy) / box - (covXY * covXY) / varX);
}

/**
 * DFA α1 over the last `windowMs` (default 2 minutes) of RR time, the sum of the intervals being the time
 * axis. Each push only stores the interval; the window is corrected and α1 recomputed once a second of RR
 * time has passed since the last recomputation, about once a beat or less: ~200 beats × 13 box sizes, tens
 * of microseconds. Null until the window holds MIN_DFA_INTERVALS (64) intervals after correction.
 */
export class RollingDfaAlpha1 {
  private readonly ring: Float64Array;
  private start = 0;
  private size = 0;
  private spanMs = 0;
  private sinceRecomputeMs = 0;
  private current: number | null = null;

  constructor(private readonly windowMs = DEFAULT_DFA_WINDOW_MS) {
    // The most beats a window can hold: all of them at the shortest plausible interval.
    this.ring = new Float64Array(Math.ceil(windowMs / MIN_RR_MS) + 1);
  }

  push(rrMs: number): void {
    // Out-of-range values are not beats, so they take no time; correctArtefacts would drop them anyway.
    if (!(rrMs >= MIN_RR_MS && rrMs <= MAX_RR_MS)) return;
    this.append(rrMs);
    this.sinceRecomputeMs += rrMs;
    if (this.sinceRecomputeMs < ROLLING_RECOMPUTE_MS) return;
    this.sinceRecomputeMs = 0;
    const { rr } = correctArtefacts(this.windowValues());
    this.current = dfaAlpha1(rr);
  }

  get value(): number | null {
    return this.current;
  }

  private append(rrMs: number): void {
    if (this.size === this.ring.length) this.dropOldest();
    this.ring[(this.start + this.size) % this.ring.length] = rrMs;
    this.size++;
    this.spanMs += rrMs;
    while (this.spanMs - (this.ring[this.start] ?? 0) >= this.windowMs) this.dropOldest();
  }

  private dropOldest(): void {
    this.spanMs -= this.ring[this.start] ?? 0;
    this.start = (this.start + 1) % this.ring.length;
    this.size--;
  }

  private windowValues(): Float64Array {
    const values = new Float64Array(this.size);
    for (let i = 0; i < this.size; i++) values[i] = this.ring[(this.start + i) % this.ring.length] ?? NaN;
    return values;
  }
}

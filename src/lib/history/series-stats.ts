// The detail view's numbers, computed from a loaded session's readings by the live session's rules, so a
// session reads the same in history as it did live (and zones follow the max HR setting as it is now).
import { rmssd } from '../../core/hrv.ts';
import { summarizeSessionHrv } from '../../core/hrv-measures.ts';
import { addToSummary, averageOf, createBpmSummary } from '../../core/session-stats.ts';
import { allRrIntervals, type SessionSeries } from '../../core/session-series.ts';
import { addZoneTime } from '../../core/zones.ts';

export interface SeriesStats {
  count: number;
  min: number | null;
  average: number | null;
  max: number | null;
  zonesMs: number[];
  rrCount: number;
  /** As the live panel shows it (src/core/hrv.ts), so a session reads the same in history as it did live. */
  rmssd: number | null;
  /** Over the artefact-corrected RR intervals (src/core/hrv-measures.ts). */
  sdnn: number | null;
  pnn50: number | null;
  /** Whole-session DFA α1. */
  dfaAlpha1: number | null;
  /** DFA α1 per 2-minute window: how many windows had one, their median, and minutes with α1 below 0.75. */
  alpha1Windows: { count: number; median: number | null; belowThresholdMinutes: number };
}

/** The α1 often used as an estimate of the aerobic threshold (docs/architecture.md "Heart-rate variability"). */
export const AEROBIC_THRESHOLD_ALPHA1 = 0.75;

export function summarizeSeries(series: SessionSeries, maxHr: number): SeriesStats {
  const bpm = createBpmSummary();
  const zonesMs = [0, 0, 0, 0, 0, 0];
  let previous = -1;
  for (let i = 0; i < series.length; i++) {
    const t = series.t[i] ?? NaN;
    const value = series.bpm[i] ?? 0;
    // Contact gaps (0) are skipped, as SessionState skips them: the time until the next beat stays with the last one.
    if (!addToSummary(bpm, t, value)) continue;
    if (previous >= 0) addZoneTime(zonesMs, series.t[previous] ?? NaN, t, series.bpm[previous] ?? 0, maxHr);
    previous = i;
  }
  const rr = allRrIntervals(series);
  const hrv = summarizeSessionHrv(rr);
  return {
    count: bpm.count,
    min: bpm.minBpm,
    average: averageOf(bpm),
    max: bpm.maxBpm,
    zonesMs,
    rrCount: rr.length,
    rmssd: rmssd(rr),
    sdnn: hrv.sdnn,
    pnn50: hrv.pnn50,
    dfaAlpha1: hrv.dfaAlpha1,
    alpha1Windows: summarizeWindows(hrv.alpha1Windows, hrv.windowMs),
  };
}

function summarizeWindows(windows: readonly (number | null)[], windowMs: number): SeriesStats['alpha1Windows'] {
  const values = windows.filter((value): value is number => value !== null).sort((a, b) => a - b);
  const middle = values.length >> 1;
  const median = values.length === 0 ? null : values.length % 2 === 1 ? (values[middle] ?? null) : ((values[middle - 1] ?? 0) + (values[middle] ?? 0)) / 2;
  const below = values.filter((value) => value < AEROBIC_THRESHOLD_ALPHA1).length;
  return { count: values.length, median, belowThresholdMinutes: (below * windowMs) / 60_000 };
}

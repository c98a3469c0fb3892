// The detail view's numbers, computed from a loaded session's readings by the live session's rules, so a
// session reads the same in history as it did live (and zones follow the max HR setting as it is now).
import { rmssd } from '../../core/hrv.ts';
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
  rmssd: number | null;
}

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
  return { count: bpm.count, min: bpm.minBpm, average: averageOf(bpm), max: bpm.maxBpm, zonesMs, rrCount: rr.length, rmssd: rmssd(rr) };
}

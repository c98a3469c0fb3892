// The text alternative of a heart-rate chart: what a person who cannot see the line needs from it (the newest
// value, the lowest, the average and the highest over the part shown), in words.

export interface WindowSummary {
  /** The newest heart rate in the window. */
  current: number;
  min: number;
  average: number;
  max: number;
  count: number;
}

/**
 * Heart rates at `times` within [from, to] (same unit as `times`, ascending). A value that is not a positive
 * finite number (0 marks a reading without skin contact) is a gap, not a heart rate, and is skipped.
 */
export function summarizeWindow(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  from = Number.NEGATIVE_INFINITY,
  to = Number.POSITIVE_INFINITY,
): WindowSummary | null {
  let count = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let current = 0;
  const length = Math.min(times.length, values.length);
  for (let i = 0; i < length; i++) {
    const t = times[i] ?? Number.NaN;
    const value = values[i] ?? Number.NaN;
    if (!(t >= from && t <= to) || !Number.isFinite(value) || value <= 0) continue;
    count += 1;
    sum += value;
    if (value < min) min = value;
    if (value > max) max = value;
    current = value;
  }
  return count === 0 ? null : { current, min, average: sum / count, max, count };
}

/** "Last 5 minutes: now 72 bpm, lowest 60, average 70, highest 90." `newest` names the newest value. */
export function describeWindowSummary(summary: WindowSummary | null, span: string, newest = 'now'): string {
  if (summary === null) return `${span}: no heart rate yet.`;
  const round = (n: number): number => Math.round(n);
  return `${span}: ${newest} ${round(summary.current)} bpm, lowest ${round(summary.min)}, average ${round(summary.average)}, highest ${round(summary.max)}.`;
}

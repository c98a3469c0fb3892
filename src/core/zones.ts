// Five training zones as percentages of maximum heart rate, the convention most watches and apps use.

export type Zone = 0 | 1 | 2 | 3 | 4 | 5;

/** Lower bound of zones 1..5 in percent of max HR; zone 5 is open-ended (90–100 %, and above). */
export const ZONE_LOWER_PERCENTS = [50, 60, 70, 80, 90] as const;

// 220 − age gives 190 at 30: a middle-of-the-road default until the user sets their own.
export const DEFAULT_MAX_HR = 190;

export const MIN_PLAUSIBLE_MAX_HR = 100;
export const MAX_PLAUSIBLE_MAX_HR = 230;

export interface ZoneBound {
  zone: 1 | 2 | 3 | 4 | 5;
  /** Lowest whole bpm in the zone. */
  minBpm: number;
  /** Highest whole bpm in the zone; null for zone 5, which has no upper end. */
  maxBpm: number | null;
}

export function isPlausibleMaxHr(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= MIN_PLAUSIBLE_MAX_HR && (n as number) <= MAX_PLAUSIBLE_MAX_HR;
}

/** 0 means below zone 1 (or no reading). A maxHr that is not a positive number puts everything in zone 0. */
export function zoneOf(bpm: number, maxHr: number): Zone {
  if (!(maxHr > 0)) return 0;
  // bpm * 100 >= maxHr * percent, in integers: 0.6 * 190 is 113.99999999999999 in floating point.
  const scaled = bpm * 100;
  for (let zone = 5; zone >= 1; zone--) {
    if (scaled >= maxHr * (ZONE_LOWER_PERCENTS[zone - 1] ?? Infinity)) return zone as Zone;
  }
  return 0;
}

/** Whole-bpm ranges for display, consistent with zoneOf for integer heart rates. */
export function zoneBounds(maxHr: number): ZoneBound[] {
  const lows = ZONE_LOWER_PERCENTS.map((percent) => Math.ceil((maxHr * percent) / 100));
  return lows.map((minBpm, index) => {
    const next = lows[index + 1];
    return { zone: (index + 1) as ZoneBound['zone'], minBpm, maxBpm: next === undefined ? null : next - 1 };
  });
}

// A gap longer than this between two readings is a disconnect, not time in a zone.
export const DEFAULT_MAX_GAP_MS = 5000;

/**
 * Credits the interval from one reading to the next to the earlier reading's zone, in place: `totals` holds
 * milliseconds for zones 0..5. The interval is capped at maxGapMs, so a disconnect is not counted as time in
 * zone; an interval after a 0 bpm (a contact gap) or running backwards counts nowhere. The one rule for time
 * in zones: a live session adds each interval as it comes, and timeInZones replays a whole series with it.
 */
export function addZoneTime(
  totals: number[],
  fromMs: number,
  toMs: number,
  bpm: number,
  maxHr: number,
  maxGapMs: number = DEFAULT_MAX_GAP_MS,
): void {
  const interval = toMs - fromMs;
  if (!(bpm > 0) || !(interval > 0)) return;
  const zone = zoneOf(bpm, maxHr);
  totals[zone] = (totals[zone] ?? 0) + Math.min(interval, maxGapMs);
}

/**
 * Milliseconds spent in zones 0..5 over the first `count` readings (parallel arrays of epoch milliseconds
 * and bpm, so callers can keep a session in typed arrays), by the rule of addZoneTime.
 */
export function timeInZones(
  timesMs: ArrayLike<number>,
  bpms: ArrayLike<number>,
  count: number,
  maxHr: number,
  maxGapMs: number = DEFAULT_MAX_GAP_MS,
): number[] {
  const totals = [0, 0, 0, 0, 0, 0];
  const n = Math.min(count, timesMs.length, bpms.length);
  for (let i = 0; i + 1 < n; i++) {
    addZoneTime(totals, timesMs[i] ?? NaN, timesMs[i + 1] ?? NaN, bpms[i] ?? 0, maxHr, maxGapMs);
  }
  return totals;
}

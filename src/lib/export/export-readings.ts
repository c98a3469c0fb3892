// What every export format agrees on about a reading, so the four files never disagree about the same session:
// which readings have a time a file can carry, which heart rates a one-byte field can hold, and the summary
// figures (average, maximum, energy) the TCX lap and the FIT lap and session repeat.
import type { SessionSeries } from '../../core/session-series.ts';
import { NO_ENERGY } from '../../core/session-series.ts';

// FIT counts seconds from 1989-12-31 and reads a value below 0x10000000 (mid-1998) as seconds since the device
// powered on, not a date; TCX and CSV could hold more, but one rule for all four keeps the files in step. A time
// outside 2000..2100 is a broken clock, not a session.
const EARLIEST_MS = Date.UTC(2000, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

// FIT and TCX keep heart rate in one byte, and FIT reserves 255 for "no value". A higher reading is a sensor
// fault; it is exported as a gap (no heart rate), like a reading without contact.
const MAX_EXPORT_BPM = 254;

const KJ_PER_KCAL = 4.184;

export function isExportableTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

/** The reading's heart rate if a file can carry it, else null (no contact: bpm 0, or out of range). */
export function exportableBpm(bpm: number): number | null {
  return bpm >= 1 && bpm <= MAX_EXPORT_BPM ? bpm : null;
}

export interface HeartRateSummary {
  /** Rounded mean of the exportable heart rates, null without any. */
  average: number | null;
  maximum: number | null;
}

export function summarizeHeartRate(series: SessionSeries): HeartRateSummary {
  let sum = 0;
  let count = 0;
  let maximum = 0;
  for (let i = 0; i < series.length; i++) {
    const bpm = exportableBpm(series.bpm[i] ?? 0);
    if (bpm === null || !isExportableTime(series.t[i] ?? NaN)) continue;
    sum += bpm;
    count++;
    maximum = Math.max(maximum, bpm);
  }
  return count === 0 ? { average: null, maximum: null } : { average: Math.round(sum / count), maximum };
}

/**
 * Energy spent during the session in kcal, rounded. The sensor's field is cumulative since its own reset, so the
 * session's share is the sum of increases between readings; a drop means the sensor reset, and the value after
 * it counts from zero.
 */
export function sessionKilocalories(series: SessionSeries): number {
  let spentKj = 0;
  let previous: number | null = null;
  for (let i = 0; i < series.length; i++) {
    const kj = series.kj[i] ?? NO_ENERGY;
    if (kj === NO_ENERGY) continue;
    if (previous !== null) spentKj += kj >= previous ? kj - previous : kj;
    previous = kj;
  }
  return Math.round(spentKj / KJ_PER_KCAL);
}

/** Seconds from the start to the last reading with a time, 0 for none. */
export function elapsedSeconds(series: SessionSeries, startedAt: number): number {
  for (let i = series.length - 1; i >= 0; i--) {
    const t = series.t[i] ?? NaN;
    if (isExportableTime(t)) return Math.max(0, (t - startedAt) / 1000);
  }
  return 0;
}

/** What a file says about the session beyond its readings. */
export interface ExportMeta {
  /** When the session started, epoch ms. */
  startedAt: number;
  /** The person's name for the session, if they gave one. */
  name?: string;
}

/** The start time every file needs; a start no file can carry is an error, not a file dated 1970. */
export function checkedStart(meta: ExportMeta): number {
  if (!isExportableTime(meta.startedAt)) throw new Error(`Cannot export: the session's start time (${meta.startedAt}) is not a valid date`);
  return meta.startedAt;
}

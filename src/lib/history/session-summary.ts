// What the history list shows of one recorded session, kept up to date reading by reading so the list never has
// to read a session's readings (docs/architecture.md "History on the device"). Plain data: it is stored as is.
import { addToSummary, createBpmSummary, type BpmSummary } from '../../core/session-stats.ts';
import { addZoneTime } from '../../core/zones.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';

// Longer than this without a reading and the next one starts a new session: a person who leaves the sensor on
// the table over lunch has two workouts, not one with a 40-minute hole.
export const SESSION_GAP_MS = 30 * 60_000;

export interface SessionSummary {
  id: string;
  /** Receive time of the first and the latest reading stored, epoch ms. */
  startedAt: number;
  endedAt: number;
  /** Readings stored, contact gaps (bpm 0) included. */
  readings: number;
  /** Heart-rate readings only (bpm > 0): count, average, min, max. */
  bpm: BpmSummary;
  /** Milliseconds in zones 0..5 by core's addZoneTime rule, under `maxHr`. */
  zonesMs: number[];
  maxHr: number;
  rrCount: number;
  /** The last heart-rate reading, whose zone the time until the next one is credited to. */
  last: { t: number; bpm: number } | null;
}

export function createSummary(id: string, startedAt: number, maxHr: number): SessionSummary {
  return { id, startedAt, endedAt: startedAt, readings: 0, bpm: createBpmSummary(), zonesMs: [0, 0, 0, 0, 0, 0], maxHr, rrCount: 0, last: null };
}

/** Counts one reading in place, by the same rules as the live session panel (SessionState). */
export function addToSessionSummary(summary: SessionSummary, { reading, receivedAt }: TimedReading): void {
  summary.readings++;
  summary.endedAt = Math.max(summary.endedAt, receivedAt);
  summary.rrCount += reading.rrMs.length;
  if (!addToSummary(summary.bpm, receivedAt, reading.bpm)) return;
  if (summary.last) addZoneTime(summary.zonesMs, summary.last.t, receivedAt, summary.last.bpm, summary.maxHr);
  summary.last = { t: receivedAt, bpm: reading.bpm };
}

export function isNewSession(summary: SessionSummary | null, receivedAt: number): boolean {
  return summary === null || receivedAt - summary.endedAt > SESSION_GAP_MS;
}

// A recorded session is stored as chunks of up to CHUNK_READINGS readings, each as typed-array columns: writing
// a chunk costs the same at minute 1 and at hour 8, and opening a session concatenates a few hundred buffers
// instead of decoding 28,800 objects.
import { CONTACT_CODE, NO_ENERGY, type SessionSeries } from '../../core/session-series.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';

export const CHUNK_READINGS = 60;

export interface StoredChunk {
  sessionId: string;
  index: number;
  t: Float64Array;
  bpm: Uint16Array;
  contact: Uint8Array;
  kj: Int32Array;
  /** RR intervals of each reading, in order: reading i has rrCount[i] of them. */
  rrCount: Uint8Array;
  rr: Uint16Array;
}

export function toStoredChunk(sessionId: string, index: number, readings: readonly TimedReading[]): StoredChunk {
  const n = readings.length;
  const chunk: StoredChunk = {
    sessionId,
    index,
    t: new Float64Array(n),
    bpm: new Uint16Array(n),
    contact: new Uint8Array(n),
    kj: new Int32Array(n),
    rrCount: new Uint8Array(n),
    rr: new Uint16Array(readings.reduce((sum, r) => sum + r.reading.rrMs.length, 0)),
  };
  let rrAt = 0;
  readings.forEach(({ reading, receivedAt }, i) => {
    chunk.t[i] = receivedAt;
    chunk.bpm[i] = reading.bpm;
    chunk.contact[i] = CONTACT_CODE[reading.contact];
    chunk.kj[i] = reading.energyKj ?? NO_ENERGY;
    // A packet holds at most 9 RR intervals (20 bytes), far below a byte's range.
    chunk.rrCount[i] = reading.rrMs.length;
    for (const rr of reading.rrMs) chunk.rr[rrAt++] = rr;
  });
  return chunk;
}

/** A chunk as read back, if its columns agree with each other; anything else (a damaged or foreign row) is not one. */
export function isStoredChunk(value: unknown): value is StoredChunk {
  if (typeof value !== 'object' || value === null) return false;
  const c = value as Partial<StoredChunk>;
  if (!(c.t instanceof Float64Array && c.bpm instanceof Uint16Array && c.contact instanceof Uint8Array)) return false;
  if (!(c.kj instanceof Int32Array && c.rrCount instanceof Uint8Array && c.rr instanceof Uint16Array)) return false;
  const n = c.t.length;
  if (c.bpm.length !== n || c.contact.length !== n || c.kj.length !== n || c.rrCount.length !== n) return false;
  return c.rrCount.reduce((sum, count) => sum + count, 0) === c.rr.length;
}

/** The chunks (in index order) as one series; chunks that fail isStoredChunk are left out and counted. */
export function seriesFromChunks(rows: readonly unknown[]): { series: SessionSeries; droppedChunks: number } {
  const chunks = rows.filter(isStoredChunk);
  const n = chunks.reduce((sum, c) => sum + c.t.length, 0);
  const rrTotal = chunks.reduce((sum, c) => sum + c.rr.length, 0);
  const series = {
    length: n,
    t: new Float64Array(n),
    bpm: new Uint16Array(n),
    contact: new Uint8Array(n),
    kj: new Int32Array(n),
    rrStart: new Uint32Array(n + 1),
    rr: new Uint16Array(rrTotal),
  };
  let at = 0;
  let rrAt = 0;
  for (const chunk of chunks) {
    series.t.set(chunk.t, at);
    series.bpm.set(chunk.bpm, at);
    series.contact.set(chunk.contact, at);
    series.kj.set(chunk.kj, at);
    series.rr.set(chunk.rr, rrAt);
    for (const count of chunk.rrCount) {
      rrAt += count;
      series.rrStart[++at] = rrAt;
    }
  }
  return { series, droppedChunks: rows.length - chunks.length };
}

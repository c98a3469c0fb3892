// A recorded session as columns (docs/architecture.md "History"): what the device's history stores, what the
// detail view and the statistics read, and what every export format is written from. Columns, not an array of
// objects, because an 8-hour session at 1 Hz is 28,800 readings and opening it must not allocate 28,800 objects.
import type { Contact, HeartRateReading } from './hr-packet.ts';

/** Contact as one byte per reading: the sensor said detected, said not detected, or does not report contact. */
export const CONTACT_CODE = { unsupported: 0, detected: 1, 'not-detected': 2 } as const satisfies Record<Contact, number>;
const CONTACT_BY_CODE: readonly Contact[] = ['unsupported', 'detected', 'not-detected'];

/** No energy field in that reading's packet. */
export const NO_ENERGY = -1;

/**
 * Readings in the order received, times ascending. Reading i has the RR intervals
 * `rr[rrStart[i]] .. rr[rrStart[i + 1] - 1]` (rrStart has length + 1 entries). bpm 0 marks a reading taken
 * without skin contact, kept so an export shows the gap where it happened.
 */
export interface SessionSeries {
  readonly length: number;
  /** Device receive time, epoch ms. */
  readonly t: Float64Array;
  readonly bpm: Uint16Array;
  /** CONTACT_CODE values. */
  readonly contact: Uint8Array;
  /** Cumulative energy expended, kJ, or NO_ENERGY. */
  readonly kj: Int32Array;
  readonly rrStart: Uint32Array;
  /** RR intervals, ms (the sensor's 1/1024 s units already converted). */
  readonly rr: Uint16Array;
}

/** One reading of a series, as the sensor delivered it. */
export interface SeriesReading {
  t: number;
  bpm: number;
  contact: Contact;
  energyKj?: number;
  rrMs: number[];
}

export function readingAt(series: SessionSeries, index: number): SeriesReading {
  const from = series.rrStart[index] ?? 0;
  const to = series.rrStart[index + 1] ?? from;
  const kj = series.kj[index] ?? NO_ENERGY;
  const reading: SeriesReading = {
    t: series.t[index] ?? NaN,
    bpm: series.bpm[index] ?? 0,
    contact: CONTACT_BY_CODE[series.contact[index] ?? 0] ?? 'unsupported',
    rrMs: Array.from(series.rr.subarray(from, to)),
  };
  if (kj !== NO_ENERGY) reading.energyKj = kj;
  return reading;
}

/** Every RR interval of the series in order, ms: the input of the HRV measures and of the RR export. */
export function allRrIntervals(series: SessionSeries): Uint16Array {
  return series.rr.subarray(0, series.rrStart[series.length] ?? 0);
}

/**
 * Builds a series reading by reading, growing its columns by doubling (amortised O(1) per reading). Values out
 * of a column's range are clamped rather than wrapped: bpm to 0..65535, RR to 0..65535 ms, energy to ≥ 0.
 */
export class SeriesBuilder {
  private n = 0;
  private rrCount = 0;
  private t: Float64Array;
  private bpm: Uint16Array;
  private contact: Uint8Array;
  private kj: Int32Array;
  private rrStart: Uint32Array;
  private rr: Uint16Array;

  constructor(capacity = 1024) {
    const size = Math.max(1, Math.floor(capacity));
    this.t = new Float64Array(size);
    this.bpm = new Uint16Array(size);
    this.contact = new Uint8Array(size);
    this.kj = new Int32Array(size);
    this.rrStart = new Uint32Array(size + 1);
    this.rr = new Uint16Array(size);
  }

  get length(): number {
    return this.n;
  }

  push(t: number, reading: HeartRateReading): void {
    if (this.n === this.t.length) this.growReadings();
    while (this.rrCount + reading.rrMs.length > this.rr.length) this.rr = grow(this.rr, this.rr.length * 2);
    const i = this.n;
    this.t[i] = t;
    this.bpm[i] = clamp(reading.bpm, 0, 0xffff);
    this.contact[i] = CONTACT_CODE[reading.contact];
    this.kj[i] = reading.energyKj === undefined ? NO_ENERGY : clamp(reading.energyKj, 0, 0x7fffffff);
    for (const interval of reading.rrMs) this.rr[this.rrCount++] = clamp(interval, 0, 0xffff);
    this.n = i + 1;
    this.rrStart[this.n] = this.rrCount;
  }

  /** The readings so far, as views over the builder's buffers (no copy): push no more after this. */
  finish(): SessionSeries {
    const n = this.n;
    return {
      length: n,
      t: this.t.subarray(0, n),
      bpm: this.bpm.subarray(0, n),
      contact: this.contact.subarray(0, n),
      kj: this.kj.subarray(0, n),
      rrStart: this.rrStart.subarray(0, n + 1),
      rr: this.rr.subarray(0, this.rrCount),
    };
  }

  private growReadings(): void {
    const size = this.t.length * 2;
    this.t = grow(this.t, size);
    this.bpm = grow(this.bpm, size);
    this.contact = grow(this.contact, size);
    this.kj = grow(this.kj, size);
    this.rrStart = grow(this.rrStart, size + 1);
  }
}

/** A series from readings in memory (tests, demo data). */
export function seriesFromReadings(readings: readonly SeriesReading[]): SessionSeries {
  const builder = new SeriesBuilder(readings.length);
  for (const r of readings) builder.push(r.t, r);
  return builder.finish();
}

type Column = Float64Array | Uint16Array | Uint8Array | Int32Array | Uint32Array;

function grow<T extends Column>(column: T, size: number): T {
  const bigger = new (column.constructor as new (length: number) => T)(size);
  bigger.set(column);
  return bigger;
}

function clamp(value: number, min: number, max: number): number {
  if (!Number.isFinite(value)) return min;
  return Math.min(max, Math.max(min, Math.round(value)));
}

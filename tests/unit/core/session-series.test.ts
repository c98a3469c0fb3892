import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allRrIntervals, NO_ENERGY, readingAt, SeriesBuilder, seriesFromReadings, type SeriesReading } from '../../../src/core/session-series.ts';

const readingArb: fc.Arbitrary<SeriesReading> = fc.record(
  {
    t: fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 }),
    bpm: fc.integer({ min: 0, max: 300 }),
    contact: fc.constantFrom('detected' as const, 'not-detected' as const, 'unsupported' as const),
    energyKj: fc.integer({ min: 0, max: 65_535 }),
    rrMs: fc.array(fc.integer({ min: 1, max: 65_535 }), { maxLength: 9 }),
  },
  { requiredKeys: ['t', 'bpm', 'contact', 'rrMs'] },
);

describe('SessionSeries', () => {
  it('gives back every reading as pushed, across growth of its columns', () => {
    fc.assert(
      fc.property(fc.array(readingArb, { maxLength: 300 }), fc.integer({ min: 1, max: 8 }), (readings, capacity) => {
        // Prepare
        const builder = new SeriesBuilder(capacity);

        // Act
        for (const r of readings) builder.push(r.t, r);
        const series = builder.finish();

        // Assess
        expect(series.length).toBe(readings.length);
        expect(readings.map((_, i) => readingAt(series, i))).toEqual(readings);
        expect(Array.from(allRrIntervals(series))).toEqual(readings.flatMap((r) => r.rrMs));
      }),
    );
  });

  it('clamps values outside a column instead of wrapping them', () => {
    // Prepare
    const series = seriesFromReadings([{ t: 1, bpm: 70_000, contact: 'detected', energyKj: -5, rrMs: [-1, 70_000, Number.NaN] }]);

    // Act
    const reading = readingAt(series, 0);

    // Assess
    expect(reading.bpm).toBe(65_535);
    expect(reading.energyKj).toBe(0);
    expect(reading.rrMs).toEqual([0, 65_535, 0]);
    expect(series.kj[0]).not.toBe(NO_ENERGY);
  });
});

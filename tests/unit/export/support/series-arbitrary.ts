import fc from 'fast-check';
import { seriesFromReadings, type SeriesReading, type SessionSeries } from '../../../../src/core/session-series.ts';

export const SESSION_START = Date.UTC(2026, 10, 30, 17, 45);

/**
 * Sessions as a sensor delivers them: times ascending from the start (several readings may share a second), any
 * bpm a 16-bit field holds including 0 (no contact) and sensor faults above 254, 0..9 RR intervals, energy
 * sometimes, with resets.
 */
export const seriesArb: fc.Arbitrary<SessionSeries> = fc
  .array(
    fc.record(
      {
        stepMs: fc.integer({ min: 0, max: 5_000 }),
        bpm: fc.oneof(fc.integer({ min: 30, max: 220 }), fc.constantFrom(0, 254, 255, 300, 65_535)),
        contact: fc.constantFrom('detected' as const, 'not-detected' as const, 'unsupported' as const),
        energyKj: fc.integer({ min: 0, max: 65_535 }),
        rrMs: fc.array(fc.integer({ min: 1, max: 65_534 }), { maxLength: 9 }),
      },
      { requiredKeys: ['stepMs', 'bpm', 'contact', 'rrMs'] },
    ),
    { maxLength: 200 },
  )
  .map((steps) => {
    let t = SESSION_START;
    const readings: SeriesReading[] = steps.map(({ stepMs, ...reading }) => {
      t += stepMs;
      return { t, ...reading };
    });
    return seriesFromReadings(readings);
  });

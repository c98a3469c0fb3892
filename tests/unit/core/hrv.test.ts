import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RmssdAccumulator, rmssd } from '../../../src/core/hrv.ts';

// Straightforward definition, for comparison on clean data: sqrt(mean of squared successive differences).
function plainRmssd(rr: number[]): number {
  let sum = 0;
  for (let i = 1; i < rr.length; i++) sum += ((rr[i] ?? 0) - (rr[i - 1] ?? 0)) ** 2;
  return Math.sqrt(sum / (rr.length - 1));
}

describe('rmssd', () => {
  it('computes the root mean square of successive differences', () => {
    // Prepare: differences +20, -40, +20 → sqrt((400 + 1600 + 400) / 3)
    const rr = [800, 820, 780, 800];

    // Act
    const value = rmssd(rr);

    // Assess
    expect(value).toBeCloseTo(Math.sqrt(800), 10);
  });

  it('returns null below two successive differences', () => {
    expect(rmssd([])).toBeNull();
    expect(rmssd([800])).toBeNull();
    expect(rmssd([800, 820])).toBeNull();
    expect(rmssd([800, 820, 810])).not.toBeNull();
  });

  it('drops intervals outside 300..2000 ms without breaking the chain', () => {
    // The stray 52 (a strap artefact) and the 2500 must not create differences of ~750 ms.
    const rr = [800, 52, 820, 2500, 800];

    const value = rmssd(rr);

    expect(value).toBeCloseTo(20, 10);
  });

  it('keeps the bounds 300 and 2000 themselves', () => {
    expect(rmssd([300, 300, 300])).toBe(0);
    expect(rmssd([2000, 2000, 2000])).toBe(0);
    expect(rmssd([299, 299, 299])).toBeNull();
    expect(rmssd([2001, 2001, 2001])).toBeNull();
  });

  it('drops an ectopic beat and its compensatory pause (> 20 % from the previous accepted)', () => {
    const rr = [1000, 1010, 600, 1400, 1000, 990];

    const value = rmssd(rr);

    // Accepted: 1000, 1010, 1000, 990 → differences 10, -10, -10.
    expect(value).toBeCloseTo(10, 10);
  });

  it('accepts a change of exactly 20 % and rejects one just over', () => {
    expect(rmssd([1000, 1200, 1200])).toBeCloseTo(Math.sqrt((200 ** 2 + 0) / 2), 10);
    expect(rmssd([1000, 1201, 1000, 1000])).toBe(0);
  });

  it('re-anchors when the rhythm shifts instead of rejecting every later beat', () => {
    // After a disconnect the heart rate went from 60 to 120 bpm: 1000 ms → 500 ms.
    const rr = [1000, 1000, 1000, 500, 505, 500, 505];

    const value = rmssd(rr);

    // 0, 0 before the shift; 500 is rejected, 505 agrees with it and becomes the reference (no difference
    // across the shift); then 505 → 500 → 505 gives 5, 5.
    expect(value).toBeCloseTo(Math.sqrt((0 + 0 + 25 + 25) / 4), 10);
  });

  it('ignores NaN and non-finite values', () => {
    expect(rmssd([800, Number.NaN, 820, Number.POSITIVE_INFINITY, 800])).toBeCloseTo(20, 10);
  });

  it('equals the plain definition on clean data', () => {
    // Within 770..830 ms every beat is within 20 % of the one before, so the filter keeps them all.
    const cleanSeries = fc.array(fc.integer({ min: 770, max: 830 }), { minLength: 3, maxLength: 500 });

    fc.assert(
      fc.property(cleanSeries, (rr) => {
        expect(rmssd(rr)).toBeCloseTo(plainRmssd(rr), 9);
      }),
    );
  });
});

// Written from the rule as stated, in two passes (classify each beat, then compute within runs), so it
// shares no code or structure with the streaming implementation it checks.
function referenceRmssd(rr: number[]): number | null {
  const runs: number[][] = [];
  let run: number[] = [];
  let candidate: number | null = null;
  const close = (a: number, b: number): boolean => Math.abs(b - a) <= a * 0.2;
  for (const value of rr) {
    if (!(value >= 300 && value <= 2000)) continue;
    const previous = run[run.length - 1];
    if (previous === undefined || close(previous, value)) {
      run.push(value);
      candidate = null;
    } else if (candidate !== null && close(candidate, value)) {
      runs.push(run);
      run = [value];
      candidate = null;
    } else {
      candidate = value;
    }
  }
  runs.push(run);
  const differences = runs.flatMap((r) => r.slice(1).map((value, i) => value - (r[i] ?? NaN)));
  if (differences.length < 2) return null;
  return Math.sqrt(differences.reduce((sum, d) => sum + d * d, 0) / differences.length);
}

describe('RmssdAccumulator', () => {
  // A drifting rhythm with stray artefacts, ectopic beats and the occasional shift (e.g. after a dropout),
  // built from uniform steps: fast-check's bias toward extremes would turn most beats into artefacts.
  const noisySeries = fc
    .array(fc.noBias(fc.tuple(fc.integer({ min: -10, max: 10 }), fc.integer({ min: 0, max: 999 }), fc.integer({ min: -20, max: 20 }))), {
      minLength: 100,
      maxLength: 400,
    })
    .map((steps) => {
      const rr: number[] = [];
      let base = 900;
      for (const [drift, roll, jitter] of steps) {
        base = Math.min(1500, Math.max(400, base + drift));
        if (roll < 5) base = base < 800 ? base * 1.6 : base * 0.6;
        rr.push(roll < 20 ? 52 : roll < 40 ? base * 0.6 : Math.round(base + jitter));
      }
      return rr;
    });

  it('matches a two-pass reference after every push over a noisy series with shifts', () => {
    // Prepare
    let pushed = 0;
    let counted = 0;

    fc.assert(
      fc.property(noisySeries, (rr) => {
        const accumulator = new RmssdAccumulator();
        for (let i = 0; i < rr.length; i++) {
          // Act
          accumulator.push(rr[i] ?? NaN);

          // Assess
          const expected = referenceRmssd(rr.slice(0, i + 1));
          const same = expected === null ? accumulator.value === null : Math.abs((accumulator.value ?? NaN) - expected) < 1e-9;
          if (!same) throw new Error(`after ${i + 1}: ${accumulator.value} !== ${expected}`);
        }
        expect(rmssd(rr)).toBe(accumulator.value);
        pushed += rr.length;
        counted += accumulator.count;
      }),
      { numRuns: 50 },
    );

    // Most beats must count, or the comparison says little about the differences themselves.
    expect(counted).toBeGreaterThan(pushed * 0.75);
  });

  it('counts the successive differences behind the value', () => {
    const accumulator = new RmssdAccumulator();

    for (const rr of [800, 820, 52, 810]) accumulator.push(rr);

    expect(accumulator.count).toBe(2);
    expect(accumulator.value).toBeCloseTo(Math.sqrt((400 + 100) / 2), 10);
  });

  it('starts empty', () => {
    const accumulator = new RmssdAccumulator();

    expect(accumulator.value).toBeNull();
    expect(accumulator.count).toBe(0);
  });
});

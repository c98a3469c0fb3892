import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DFA_WINDOW_MS,
  MIN_DFA_INTERVALS,
  RollingDfaAlpha1,
  correctArtefacts,
  dfaAlpha1,
  summarizeHrv,
  summarizeSessionHrv,
  summarizeSpread,
} from '../../../src/core/hrv-measures.ts';
import { brownianRr, injectArtefacts, pinkNoiseRr, whiteNoiseRr, type Artefact } from './support/synthetic-rr.ts';

const seed = fc.noBias(fc.integer({ min: 0, max: 2 ** 31 - 1 }));

/**
 * What DFA α1 (boxes 4..16, linear detrending) gives for uncorrelated data: not 0.5 but ≈ 0.58, because at
 * small n the expected F²(n) of white noise is ∝ (n² − 4)/n, not n (Kantelhardt et al. 2001). Computed here
 * as the least-squares slope of ½·log((n² − 4)/n) against log n; uncorrected, as Kubios reports it, which is
 * the scale the 0.75 threshold is stated in.
 */
function expectedWhiteNoiseAlpha1(): number {
  const points = Array.from({ length: 13 }, (_, i) => i + 4).map((n) => [Math.log(n), 0.5 * Math.log((n * n - 4) / n)] as const);
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / points.length;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / points.length;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - meanX) * (y - meanY), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - meanX) ** 2, 0);
  return sxy / sxx;
}

function sampleSd(values: ArrayLike<number>): number {
  const list = Array.from(values);
  const mean = list.reduce((sum, v) => sum + v, 0) / list.length;
  return Math.sqrt(list.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (list.length - 1));
}

const artefactKinds = fc.array(fc.constantFrom<Artefact>('ectopic', 'missed', 'extra'), { minLength: 1, maxLength: 12 });
const splitPoints = fc.array(fc.noBias(fc.double({ min: 0.35, max: 0.65, noNaN: true })), { minLength: 1, maxLength: 12 });

describe('summarizeSpread', () => {
  it('gives exactly summarizeHrv’s SDNN and pNN50 for any series, artefacts included', () => {
    fc.assert(
      fc.property(seed, artefactKinds, splitPoints, fc.integer({ min: 0, max: 400 }), (s, kinds, splits, length) => {
        // Prepare
        const { rr } = injectArtefacts(whiteNoiseRr(s, length, 40), kinds, splits);

        // Act
        const spread = summarizeSpread(rr);

        // Assess
        const whole = summarizeHrv(rr);
        expect(spread).toEqual({ sdnn: whole.sdnn, pnn50: whole.pnn50 });
      }),
    );
  });
});

describe('summarizeHrv', () => {
  it('computes SDNN (sample SD) and pNN50 on a hand-checked series', () => {
    // Prepare: mean 800, deviations 0, +20, −20, 0 → SDNN √(800 / 3); differences 20, −40, 20 → none over 50
    const rr = [800, 820, 780, 800];

    // Act
    const summary = summarizeHrv(rr);

    // Assess
    expect(summary.intervals).toBe(4);
    expect(summary.corrected).toBe(0);
    expect(summary.sdnn).toBeCloseTo(Math.sqrt(800 / 3), 10);
    expect(summary.pnn50).toBe(0);
    expect(summary.rmssd).toBeCloseTo(Math.sqrt(800), 10);
    expect(summary.dfaAlpha1).toBeNull();
  });

  it('counts only differences strictly over 50 ms in pNN50', () => {
    expect(summarizeHrv([800, 850, 800]).pnn50).toBe(0);
    expect(summarizeHrv([800, 851, 800, 820]).pnn50).toBeCloseTo((2 / 3) * 100, 10);
    expect(summarizeHrv([800, 860, 800, 860, 790]).pnn50).toBe(100);
  });

  it('returns null for each measure with too few intervals', () => {
    expect(summarizeHrv([])).toEqual({ intervals: 0, corrected: 0, rmssd: null, sdnn: null, pnn50: null, dfaAlpha1: null });
    expect(summarizeHrv([800])).toEqual({ intervals: 1, corrected: 0, rmssd: null, sdnn: null, pnn50: null, dfaAlpha1: null });
    const two = summarizeHrv([800, 820]);
    expect(two.sdnn).toBeCloseTo(Math.sqrt(200), 10);
    expect(two.pnn50).toBe(0);
    expect(two.rmssd).toBeNull();
    expect(summarizeHrv(whiteNoiseRr(1, MIN_DFA_INTERVALS)).dfaAlpha1).not.toBeNull();
    expect(summarizeHrv(whiteNoiseRr(1, MIN_DFA_INTERVALS - 1)).dfaAlpha1).toBeNull();
  });

  it('takes no pNN50 difference across a change of rhythm the correction keeps', () => {
    // 60 bpm then 120 bpm after a dropout: the 1000 → 500 step is not variability.
    const rr = [...Array<number>(8).fill(1000), ...Array<number>(8).fill(500)];

    const summary = summarizeHrv(rr);

    expect(summary.corrected).toBe(0);
    expect(summary.pnn50).toBe(0);
  });

  it('keeps α1 and SDNN of the clean series when ectopic, missed and extra beats are injected', () => {
    // Tolerances: the correction interpolates ~1 % of the beats. Over 2,000 seeds per kind of artefact that
    // moved SDNN by at most 2.7 % and α1 by at most 0.10 (SD 0.025, a missed beat in 1/f noise), hence 5 %
    // and 0.12. Uncorrected, the same artefacts move α1 by 0.2 to 0.6 and SDNN by over 20 % (checked below).
    fc.assert(
      fc.property(seed, fc.constantFrom(whiteNoiseRr, pinkNoiseRr), artefactKinds, splitPoints, (s, generate, kinds, splits) => {
        // Prepare
        const clean = generate(s, 1024);
        const { rr, positions } = injectArtefacts(clean, kinds, splits);

        // Act
        const summary = summarizeHrv(rr);

        // Assess
        const cleanSdnn = sampleSd(clean);
        // SD 40 ms lets about one clean beat in 8,000 stray 20 % from its local median (measured): a few spare.
        expect(summary.corrected).toBeGreaterThanOrEqual(positions.length);
        expect(summary.corrected).toBeLessThanOrEqual(positions.length + 3);
        expect(Math.abs((summary.sdnn ?? NaN) - cleanSdnn)).toBeLessThan(cleanSdnn * 0.05);
        expect(Math.abs((summary.dfaAlpha1 ?? NaN) - (dfaAlpha1(clean) ?? NaN))).toBeLessThan(0.12);
        expect(sampleSd(rr)).toBeGreaterThan(cleanSdnn * 1.2);
      }),
      { numRuns: 60 },
    );
  });
});

describe('correctArtefacts', () => {
  it('replaces exactly the injected artefact intervals, and nothing else', () => {
    // A quiet rhythm (SD 25 ms) so no clean beat strays 20 % from its local median: every change is an injection.
    fc.assert(
      fc.property(seed, artefactKinds, splitPoints, (s, kinds, splits) => {
        // Prepare
        const { rr, positions } = injectArtefacts(whiteNoiseRr(s, 600, 25), kinds, splits);

        // Act
        const corrected = correctArtefacts(rr);

        // Assess
        expect(corrected.corrected).toBe(positions.length);
        expect(corrected.rr.length).toBe(rr.length);
        const changed = rr.flatMap((value, i) => (corrected.rr[i] === value ? [] : [i]));
        expect(changed).toEqual(positions);
      }),
      { numRuns: 200 },
    );
  });

  it('interpolates an ectopic pair from its neighbours', () => {
    const rr = [1000, 1000, 1000, 1010, 600, 1400, 1010, 1000, 1000, 1000];

    const { rr: out, corrected } = correctArtefacts(rr);

    // From 1010 to 1010 in three steps.
    expect(Array.from(out)).toEqual([1000, 1000, 1000, 1010, 1010, 1010, 1010, 1000, 1000, 1000]);
    expect(corrected).toBe(2);
  });

  it('treats out-of-range and non-numbers as artefacts', () => {
    const rr = [800, 810, 820, 52, 830, 840, Number.NaN, 860, 870, 2500, 880];

    const { rr: out, corrected } = correctArtefacts(rr);

    expect(Array.from(out)).toEqual([800, 810, 820, 825, 830, 840, 850, 860, 870, 875, 880]);
    expect(corrected).toBe(3);
  });

  it('removes artefacts at either end and runs longer than five beats instead of inventing a rhythm', () => {
    const rr = [52, 800, 810, 800, 810, 800, 60, 60, 60, 60, 60, 60, 810, 800, 810, 800, 3000];

    const { rr: out, corrected } = correctArtefacts(rr);

    expect(Array.from(out)).toEqual([800, 810, 800, 810, 800, 810, 800, 810, 800]);
    expect(corrected).toBe(8);
  });

  it('keeps a change of rhythm: the local median follows it', () => {
    const rr = [...Array<number>(8).fill(1000), ...Array<number>(8).fill(500)];

    const { rr: out, corrected } = correctArtefacts(rr);

    expect(Array.from(out)).toEqual(rr);
    expect(corrected).toBe(0);
  });

  it('returns an empty series when nothing is usable', () => {
    expect(correctArtefacts([52, 60, Number.POSITIVE_INFINITY])).toEqual({ rr: new Float64Array(0), corrected: 3 });
  });
});

describe('dfaAlpha1', () => {
  // 1024 beats (about 14 minutes at 75 bpm). Over 3,000 seeds each, the estimate's SD was 0.029 (white),
  // 0.018 (1/f) and 0.039 (Brownian; the reflection at the bounds adds to it), the worst deviation 0.10,
  // 0.07 and 0.16. The tolerances sit at ≥ 5 SD, so they do not flake under random seeds, and are still far
  // apart: no series of one kind passes for another.
  const BEATS = 1024;

  it('gives ≈ 0.58 for uncorrelated RR intervals (white noise), ± 0.15', () => {
    const expected = expectedWhiteNoiseAlpha1();
    expect(expected).toBeCloseTo(0.58, 2);
    fc.assert(
      fc.property(seed, (s) => {
        expect(Math.abs((dfaAlpha1(whiteNoiseRr(s, BEATS)) ?? NaN) - expected)).toBeLessThan(0.15);
      }),
      { numRuns: 200 },
    );
  });

  it('gives ≈ 1.0 for 1/f noise, ± 0.15', () => {
    fc.assert(
      fc.property(seed, (s) => {
        expect(Math.abs((dfaAlpha1(pinkNoiseRr(s, BEATS)) ?? NaN) - 1)).toBeLessThan(0.15);
      }),
      { numRuns: 100 },
    );
  });

  it('gives ≈ 1.5 for Brownian (integrated) RR intervals, ± 0.2', () => {
    fc.assert(
      fc.property(seed, (s) => {
        expect(Math.abs((dfaAlpha1(brownianRr(s, BEATS)) ?? NaN) - 1.5)).toBeLessThan(0.2);
      }),
      { numRuns: 200 },
    );
  });

  it('does not depend on the unit or the mean of the intervals', () => {
    fc.assert(
      fc.property(seed, fc.noBias(fc.double({ min: 0.1, max: 10, noNaN: true })), fc.noBias(fc.double({ min: -500, max: 500, noNaN: true })), (s, scale, offset) => {
        const rr = whiteNoiseRr(s, 200);

        const alpha = dfaAlpha1(rr.map((v) => v * scale + offset));

        expect(alpha).toBeCloseTo(dfaAlpha1(rr) ?? NaN, 8);
      }),
      { numRuns: 100 },
    );
  });

  it('is null below the minimum and for a series that does not vary', () => {
    expect(dfaAlpha1(whiteNoiseRr(3, MIN_DFA_INTERVALS - 1))).toBeNull();
    expect(dfaAlpha1(Array<number>(500).fill(800))).toBeNull();
  });
});

/** α1 over the shortest run of latest beats spanning `windowMs`: the window as the class defines it. */
function alphaOfWindowEndingAt(rr: Float64Array, end: number, windowMs: number): number | null {
  let start = end;
  let span = 0;
  while (start > 0 && span < windowMs) span += rr[--start] ?? NaN;
  return dfaAlpha1(correctArtefacts(rr.subarray(start, end)).rr);
}

describe('summarizeSessionHrv', () => {
  it('gives the whole-session measures and α1 of each full 2-minute window of RR time, in order', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 0, max: 1500 }), (s, length) => {
        // Prepare
        const rr = whiteNoiseRr(s, length);
        const corrected = correctArtefacts(rr).rr;

        // Act
        const hrv = summarizeSessionHrv(rr);

        // Assess: the same summary as summarizeHrv, and windows cut where the RR time reaches 2 minutes
        const { alpha1Windows, windowMs, ...summary } = hrv;
        expect(summary).toEqual(summarizeHrv(rr));
        expect(windowMs).toBe(DEFAULT_DFA_WINDOW_MS);
        const expected: (number | null)[] = [];
        let start = 0;
        let elapsed = 0;
        corrected.forEach((value, i) => {
          elapsed += value;
          if (elapsed >= DEFAULT_DFA_WINDOW_MS) {
            expected.push(dfaAlpha1(corrected.slice(start, i + 1)));
            start = i + 1;
            elapsed = 0;
          }
        });
        expect(alpha1Windows).toEqual(expected);
        const total = corrected.reduce((sum, value) => sum + value, 0);
        expect(alpha1Windows.length).toBeLessThanOrEqual(Math.floor(total / DEFAULT_DFA_WINDOW_MS));
      }),
      { numRuns: 30 },
    );
  });
});

describe('RollingDfaAlpha1', () => {
  it('equals α1 of the last two minutes as of its last recomputation, one or two beats back', () => {
    fc.assert(
      fc.property(seed, fc.integer({ min: 200, max: 600 }), (s, length) => {
        // Prepare: beats of 760..840 ms, so a recomputation (each second of RR time) is at most 2 beats old.
        const rr = pinkNoiseRr(s, length, 20);
        const rolling = new RollingDfaAlpha1();

        // Act
        for (const value of rr) rolling.push(value);

        // Assess
        const candidates = [alphaOfWindowEndingAt(rr, length, 120_000), alphaOfWindowEndingAt(rr, length - 1, 120_000)];
        expect(candidates).toContain(rolling.value);
        expect(rolling.value).not.toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it('recomputes at most once per second of RR time, not per beat', () => {
    fc.assert(
      fc.property(seed, (s) => {
        // Prepare: 200 bpm (300 ms beats), where per-beat recomputation would change the value 3 times a second.
        const rr = whiteNoiseRr(s, 2000, 3).map((v) => v - 480);
        const rolling = new RollingDfaAlpha1();
        let changes = 0;
        let previous: number | null = null;

        // Act
        for (const value of rr) {
          rolling.push(value);
          if (rolling.value !== previous) changes++;
          previous = rolling.value;
        }

        // Assess
        const seconds = rr.reduce((sum, v) => sum + v, 0) / 1000;
        expect(changes).toBeLessThanOrEqual(seconds + 1);
        // Four 320 ms beats make the first full second: a recomputation every 1.28 s.
        expect(changes).toBeGreaterThan(seconds * 0.7);
      }),
      { numRuns: 20 },
    );
  });

  it('stays null until the window holds the minimum number of beats', () => {
    const rolling = new RollingDfaAlpha1();
    const rr = whiteNoiseRr(7, MIN_DFA_INTERVALS + 2);

    for (let i = 0; i < MIN_DFA_INTERVALS - 1; i++) rolling.push(rr[i] ?? NaN);
    expect(rolling.value).toBeNull();
    for (let i = MIN_DFA_INTERVALS - 1; i < rr.length; i++) rolling.push(rr[i] ?? NaN);
    expect(rolling.value).not.toBeNull();
  });

  it('follows a change of dynamics: white noise, then two minutes of Brownian motion', () => {
    const rolling = new RollingDfaAlpha1();
    for (const value of whiteNoiseRr(11, 300)) rolling.push(value);
    expect(rolling.value).toBeLessThan(0.8);

    for (const value of brownianRr(12, 200)) rolling.push(value);

    expect(rolling.value).toBeGreaterThan(1.2);
  });

  it('ignores values that are not beats: they take no time and change nothing', () => {
    // Prepare
    const rr = whiteNoiseRr(5, 400);
    const clean = new RollingDfaAlpha1();
    const noisy = new RollingDfaAlpha1();

    // Act
    for (const value of rr) {
      clean.push(value);
      for (const junk of [52, Number.NaN, 2500, -800]) noisy.push(junk);
      noisy.push(value);
    }

    // Assess
    expect(noisy.value).not.toBeNull();
    expect(noisy.value).toBe(clean.value);
  });
});

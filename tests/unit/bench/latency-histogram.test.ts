import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../bench/latency-histogram.ts';

/** The definition the other benchmarks use, on the samples themselves. */
function percentileOfSorted(samples: readonly number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

const samples = fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 400 });
const quantile = fc.constantFrom(0, 0.5, 0.95, 0.99, 1);

describe('LatencyHistogram', () => {
  it('gives the percentile and maximum of the samples themselves', () => {
    fc.assert(
      fc.property(samples, quantile, (values, q) => {
        // Prepare
        const histogram = new LatencyHistogram();
        // Act
        for (const v of values) histogram.record(v);
        // Assess
        expect(histogram.percentile(q)).toBe(percentileOfSorted(values, q));
        expect(histogram.max()).toBe(Math.max(...values));
        expect(histogram.size).toBe(values.length);
      }),
    );
  });

  it('merged from parts, answers as if it had counted everything itself', () => {
    fc.assert(
      fc.property(samples, samples, quantile, (a, b, q) => {
        // Prepare
        const left = new LatencyHistogram();
        const right = new LatencyHistogram();
        for (const v of a) left.record(v);
        for (const v of b) right.record(v);
        // Act: what a viewer process sends, added to what another sent
        const merged = new LatencyHistogram();
        merged.add(left.entries());
        merged.add(right.entries());
        // Assess
        expect(merged.percentile(q)).toBe(percentileOfSorted([...a, ...b], q));
        expect(merged.size).toBe(a.length + b.length);
      }),
    );
  });

  it('rounds to whole milliseconds and counts a negative latency as 0', () => {
    // Prepare
    const histogram = new LatencyHistogram();
    // Act
    histogram.record(-3);
    histogram.record(10.4);
    histogram.record(10.6);
    // Assess
    expect(histogram.entries().sort((x, y) => x[0] - y[0])).toEqual([
      [0, 1],
      [10, 1],
      [11, 1],
    ]);
  });

  it('is NaN when nothing was recorded', () => {
    // Prepare
    const histogram = new LatencyHistogram();
    // Act
    const p50 = histogram.percentile(0.5);
    // Assess
    expect(p50).toBeNaN();
    expect(histogram.max()).toBeNaN();
  });
});

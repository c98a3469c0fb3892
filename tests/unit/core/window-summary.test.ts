import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeWindowSummary, summarizeWindow } from '../../../src/core/window-summary.ts';

describe('summarizeWindow', () => {
  it('gives the newest, lowest, average and highest heart rate within the range', () => {
    // Prepare
    const times = [1, 2, 3, 4, 5];
    const values = [50, 70, 90, 60, 200];

    // Act
    const summary = summarizeWindow(times, values, 2, 4);

    // Assess
    expect(summary).toEqual({ current: 60, min: 60, average: 220 / 3, max: 90, count: 3 });
  });

  it('skips gaps (0, NaN) and says null when nothing is left', () => {
    expect(summarizeWindow([1, 2, 3], [0, Number.NaN, 80])).toEqual({ current: 80, min: 80, average: 80, max: 80, count: 1 });
    expect(summarizeWindow([1, 2], [0, Number.NaN])).toBeNull();
    expect(summarizeWindow([], [])).toBeNull();
    expect(summarizeWindow([1, 2], [70, 80], 5, 9)).toBeNull();
  });

  it('keeps min ≤ average ≤ max, and the newest value is the last one in range', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 250 }), { minLength: 1, maxLength: 200 }), (values) => {
        // Prepare
        const times = values.map((_, i) => i);
        const valid = values.filter((v) => v > 0);

        // Act
        const summary = summarizeWindow(times, values);

        // Assess
        if (valid.length === 0) return summary === null;
        return (
          summary !== null &&
          summary.min === Math.min(...valid) &&
          summary.max === Math.max(...valid) &&
          summary.min <= summary.average + 1e-9 &&
          summary.average <= summary.max + 1e-9 &&
          summary.current === valid.at(-1) &&
          summary.count === valid.length
        );
      }),
    );
  });
});

describe('describeWindowSummary', () => {
  it('says the figures in words, rounded', () => {
    expect(describeWindowSummary({ current: 72, min: 60, average: 70.4, max: 90, count: 3 }, 'Last 5 minutes')).toBe(
      'Last 5 minutes: now 72 bpm, lowest 60, average 70, highest 90.',
    );
    expect(describeWindowSummary({ current: 72, min: 60, average: 70.6, max: 90, count: 3 }, 'Whole session', 'last')).toBe(
      'Whole session: last 72 bpm, lowest 60, average 71, highest 90.',
    );
  });

  it('says when there is nothing to summarize', () => {
    expect(describeWindowSummary(null, 'Last minute')).toBe('Last minute: no heart rate yet.');
  });
});

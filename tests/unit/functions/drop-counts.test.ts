import { describe, expect, it } from 'vitest';
import { DROP_REASONS } from '../../../src/core/record.ts';
import { createDropCounts, nonZeroCounts } from '../../../functions/consumer/drop-counts.ts';

describe('drop counts', () => {
  it('start at zero for every reason the core can give, for a reading outside the live horizon or over its rate limit, and for a store refusing a record', () => {
    // Act
    const counts = createDropCounts();

    // Assess
    expect(Object.keys(counts).sort()).toEqual([...DROP_REASONS, 'outside-horizon', 'rate-limited', 'store-rejected'].sort());
    expect(Object.values(counts).every((n) => n === 0)).toBe(true);
  });

  it('report only the reasons that occurred', () => {
    // Prepare
    const counts = createDropCounts();
    counts['bad-bpm'] = 2;
    counts['store-rejected'] = 1;

    // Act
    const reported = nonZeroCounts(counts);

    // Assess
    expect(reported).toEqual({ 'bad-bpm': 2, 'store-rejected': 1 });
  });
});

import { describe, expect, it } from 'vitest';
import { PUT_RECORDS_LIMITS, countBatch } from '../../../src/core/batching.ts';

const MiB = 1024 * 1024;

describe('countBatch', () => {
  it('takes everything when all limits are met', () => {
    expect(countBatch([100, 200, 300])).toBe(3);
  });

  it('stops at 500 records', () => {
    const sizes = new Array<number>(1_200).fill(100);

    expect(countBatch(sizes)).toBe(500);
  });

  it('stops before the request would exceed 5 MiB', () => {
    // Five 1 MiB records fill the request exactly; one more byte does not fit.
    const exact = new Array<number>(6).fill(MiB);
    const over = [MiB, MiB, MiB, MiB, MiB - 1, 2];

    expect(countBatch(exact)).toBe(5);
    expect(countBatch(over)).toBe(5);
    expect(countBatch([MiB, MiB, MiB, MiB, MiB - 2, 2])).toBe(6);
  });

  it('accepts a record of exactly 1 MiB and stops at a larger one', () => {
    expect(countBatch([MiB])).toBe(1);
    expect(countBatch([10, MiB + 1, 10])).toBe(1);
  });

  it('returns 0 when the first entry can never be sent, or there are none', () => {
    expect(countBatch([MiB + 1, 10])).toBe(0);
    expect(countBatch([])).toBe(0);
    expect(countBatch([Number.NaN])).toBe(0);
  });

  it('always takes the first entry that meets the per-record limit, even over a small request limit', () => {
    const limits = { maxRecords: 10, maxBytes: 50, maxRecordBytes: 100 };

    expect(countBatch([80, 10], limits)).toBe(1);
    expect(countBatch([20, 20, 20], limits)).toBe(2);
  });

  it('reads typed arrays', () => {
    expect(countBatch(Uint32Array.from([MiB, MiB, MiB, MiB, MiB, MiB]))).toBe(5);
  });

  it('publishes the Kinesis limits', () => {
    expect(PUT_RECORDS_LIMITS).toEqual({ maxRecords: 500, maxBytes: 5 * MiB, maxRecordBytes: MiB });
  });
});

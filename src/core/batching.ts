// Kinesis PutRecords request limits, as data so the producer and its tests agree on them.
// Both size limits count each entry's data blob plus its partition key.

export interface PutRecordsLimits {
  maxRecords: number;
  maxBytes: number;
  maxRecordBytes: number;
}

export const PUT_RECORDS_LIMITS: PutRecordsLimits = {
  maxRecords: 500,
  maxBytes: 5 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024,
};

/**
 * How many leading entries fit in one PutRecords request, given each entry's size (data bytes plus
 * partition-key bytes). 0 only when there are none, or the first entry alone exceeds the per-record
 * limit: such an entry can never be sent and the caller has to set it aside.
 */
export function countBatch(sizes: ArrayLike<number>, limits: PutRecordsLimits = PUT_RECORDS_LIMITS): number {
  let count = 0;
  let bytes = 0;
  while (count < sizes.length && count < limits.maxRecords) {
    const size = sizes[count] ?? Infinity;
    if (!(size <= limits.maxRecordBytes)) break;
    // The first entry always goes, even if a custom maxBytes is smaller than it, so progress is guaranteed.
    if (count > 0 && bytes + size > limits.maxBytes) break;
    bytes += size;
    count++;
  }
  return count;
}

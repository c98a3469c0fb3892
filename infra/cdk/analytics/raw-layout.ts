// Where Firehose writes raw records in S3 and how Glue reads them back: one definition for both, so the
// table's partition projection always matches the delivery stream's prefix.

export const RAW_DATA_PREFIX = 'readings/';
export const RAW_ERROR_PREFIX = 'errors/';
export const PARTITION_KEY = 'dt';
export const PARTITION_FORMAT = 'yyyy-MM-dd';
export const RAW_TABLE_NAME = 'readings';

// Firehose fills !{timestamp:…} with the time the record ARRIVED at Firehose (approximate arrival in the
// stream), not the reading's own time t: a reading sent from the outbox after a day offline lands under the
// day it was delivered. Partition by reading time would need dynamic partitioning (jq per record, buffers of
// 64 MiB or more); instead, queries filter on t and widen their dt range by the delay they tolerate.
export const FIREHOSE_DATA_PREFIX = `${RAW_DATA_PREFIX}${PARTITION_KEY}=!{timestamp:${PARTITION_FORMAT}}/`;
export const FIREHOSE_ERROR_PREFIX = `${RAW_ERROR_PREFIX}!{firehose:error-output-type}/${PARTITION_KEY}=!{timestamp:${PARTITION_FORMAT}}/`;

/** The v1 wire record (docs/architecture.md "Record on the wire"), as Glue columns. */
export const RAW_RECORD_COLUMNS = [
  { name: 'v', type: 'int', comment: 'schema version, 1' },
  // The session's write key: whoever can read it can write into that session. Never select it in shared queries.
  { name: 'key', type: 'string', comment: 'session write key (secret)' },
  { name: 'seq', type: 'bigint', comment: 'per-session sequence number; (session, seq) identifies a reading' },
  { name: 't', type: 'bigint', comment: 'device receive time, epoch ms' },
  { name: 'bpm', type: 'int', comment: 'heart rate; absent on control records' },
  { name: 'rr', type: 'array<int>', comment: 'RR intervals, ms' },
  { name: 'contact', type: 'boolean', comment: 'sensor contact, absent when not reported' },
  { name: 'kj', type: 'int', comment: 'energy expended, kJ' },
  { name: 'end', type: 'boolean', comment: 'control: broadcast ended' },
  { name: 'exp', type: 'bigint', comment: 'control: share-link expiry, epoch ms' },
] as const;

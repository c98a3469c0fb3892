// Where the batch layer keeps archive lines and how both query engines read them back (docs/architecture.md
// "Batch layer"): one definition for Firehose's S3 prefixes, the Glue table, the embedded copier's folders and
// DuckDB, so a query written once finds the same rows in both worlds.

/** Archive lines (src/core/archive-record.ts), under year=/month=/day=/hour= of their arrival (UTC). */
export const ARCHIVE_DATA_PREFIX = 'readings/';
/** Records the transform marked ProcessingFailed, as received, under the same hourly folders. */
export const ARCHIVE_ERROR_PREFIX = 'errors/';
/** Firehose's name for a record-transform failure in !{firehose:error-output-type}; the embedded copier uses it too. */
export const PROCESSING_FAILED_OUTPUT = 'processing-failed';

/** Hive-style partition keys, integers, in path order. Month, day and hour are written with two digits. */
export const ARCHIVE_PARTITION_KEYS = ['year', 'month', 'day', 'hour'] as const;

/** The same folders as Firehose expands them from the time a record ARRIVED (not the reading's own time t). */
export const FIREHOSE_PARTITION_PATH = 'year=!{timestamp:yyyy}/month=!{timestamp:MM}/day=!{timestamp:dd}/hour=!{timestamp:HH}/';

/** The partition folders for an arrival time, e.g. "year=2026/month=11/day=30/hour=07/". */
export function archivePartitionPath(arrivedAtMs: number): string {
  const d = new Date(arrivedAtMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `year=${d.getUTCFullYear()}/month=${two(d.getUTCMonth() + 1)}/day=${two(d.getUTCDate())}/hour=${two(d.getUTCHours())}/`;
}

/**
 * The archive table's columns (Glue types; DuckDB reads the same Parquet). Column names are lower case because
 * Glue and Athena fold them: the line's `viewId` is column `viewid` (both engines match identifiers without regard
 * to case, so SQL may write `viewId`). The control fields `end`, `exp` and `alerts` are not columns: the table
 * holds readings and what ends them; `end` is a reserved word in SQL, so it is exposed as `ended`.
 */
export const ARCHIVE_COLUMNS = [
  { name: 'v', type: 'int', jsonKey: 'v', comment: 'schema version, 1' },
  { name: 'viewid', type: 'string', jsonKey: 'viewId', comment: 'the session: the id in its share link (never the write key)' },
  { name: 'seq', type: 'bigint', jsonKey: 'seq', comment: 'per-session sequence number; (viewid, seq) identifies a reading' },
  { name: 't', type: 'bigint', jsonKey: 't', comment: 'device receive time, epoch ms' },
  { name: 'bpm', type: 'int', jsonKey: 'bpm', comment: 'heart rate; NULL on control records' },
  { name: 'rr', type: 'array<int>', jsonKey: 'rr', comment: 'RR intervals, ms' },
  { name: 'contact', type: 'boolean', jsonKey: 'contact', comment: 'sensor contact, NULL when not reported' },
  { name: 'kj', type: 'int', jsonKey: 'kj', comment: 'energy expended, kJ' },
  { name: 'ended', type: 'boolean', jsonKey: 'end', comment: 'control record: the broadcast ended' },
  { name: 'exp', type: 'bigint', jsonKey: 'exp', comment: 'control record: share-link expiry, epoch ms' },
] as const;

export const ARCHIVE_TABLE_NAME = 'readings';

import { describe, expect, it } from 'vitest';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_DATA_PREFIX,
  ARCHIVE_ERROR_PREFIX,
  ARCHIVE_TABLE_NAME,
  PROCESSING_FAILED_OUTPUT,
  ARCHIVE_PARTITION_KEYS, archivePartitionPath, FIREHOSE_PARTITION_PATH } from '../../../src/core/archive-layout.ts';

describe('archive layout', () => {
  it('names the UTC hour of arrival with two-digit month, day and hour, as Firehose expands its prefix', () => {
    // Prepare: 2026-03-05 07:59:59.999 UTC, and the first millisecond of a new year
    const lateMorning = Date.UTC(2026, 2, 5, 7, 59, 59, 999);
    const newYear = Date.UTC(2027, 0, 1, 0, 0, 0, 0);

    // Act / Assess
    expect(archivePartitionPath(lateMorning)).toBe('year=2026/month=03/day=05/hour=07/');
    expect(archivePartitionPath(newYear)).toBe('year=2027/month=01/day=01/hour=00/');
  });

  it('has the same folders, in the same order, in the Firehose prefix and the partition keys', () => {
    const folders = FIREHOSE_PARTITION_PATH.split('/').filter(Boolean).map((folder) => folder.split('=')[0]);
    expect(folders).toEqual([...ARCHIVE_PARTITION_KEYS]);
  });

  it('keeps column names lower case (Glue folds them) and never has a write key column', () => {
    for (const column of ARCHIVE_COLUMNS) expect(column.name).toBe(column.name.toLowerCase());
    expect(ARCHIVE_COLUMNS.map((c) => c.name)).not.toContain('key');
  });

  it('keeps archive and error output apart, each a folder of its own', () => {
    for (const prefix of [ARCHIVE_DATA_PREFIX, ARCHIVE_ERROR_PREFIX]) expect(prefix).toMatch(/^[a-z]+\/$/);
    expect(ARCHIVE_DATA_PREFIX).not.toBe(ARCHIVE_ERROR_PREFIX);
    expect(PROCESSING_FAILED_OUTPUT).toBe('processing-failed');
    expect(ARCHIVE_TABLE_NAME).toMatch(/^[a-z_]+$/);
  });
});

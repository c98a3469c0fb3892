// How the embedded archive copier puts a buffer of archive lines on disk: one file per flush, in Firehose's folders
// and with Firehose's object names, as Parquet (through DuckDB) or as the newline JSON lines themselves. Every file
// is written under a temporary name and renamed, so a reader (`npm run query`) never sees half of one, and is on
// the disk (file and folder entry synced) before the copier's checkpoint may pass its records, so a power cut
// cannot keep the checkpoint and lose the file.
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ARCHIVE_COLUMNS } from '../../src/core/archive-layout.ts';
import { publishFileDurably } from './durable-file.ts';

export type ArchiveFormat = 'parquet' | 'json';

/** Firehose's delivery stream name, the first part of every object name. */
const OBJECT_NAME_PREFIX = 'liveheartrate-archive';

// Glue's types (ARCHIVE_COLUMNS) as DuckDB names them; Athena and DuckDB then read the same Parquet schema.
const DUCKDB_TYPES: Record<(typeof ARCHIVE_COLUMNS)[number]['type'], string> = {
  int: 'INTEGER',
  bigint: 'BIGINT',
  string: 'VARCHAR',
  boolean: 'BOOLEAN',
  'array<int>': 'INTEGER[]',
};

/**
 * Firehose's object name, `<stream>-<yyyy-MM-dd-HH-mm-ss>-<random>`, with an extension for the format (Firehose
 * adds none unless told; here a reader's glob, `*.parquet`, depends on it). The time is the oldest record's arrival
 * in the buffer, the same time that chose the hourly folder.
 */
export function archiveObjectName(oldestArrivalMs: number, extension: ArchiveFormat): string {
  const stamp = new Date(oldestArrivalMs).toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return `${OBJECT_NAME_PREFIX}-${stamp}-${randomUUID()}.${extension}`;
}

/** Writes newline JSON as it is. Returns the file's path. */
export async function writeJsonFile(folder: string, name: string, lines: readonly string[]): Promise<string> {
  const path = join(folder, name);
  await mkdir(folder, { recursive: true });
  await writeFile(`${path}.tmp`, lines.join(''));
  await publishFileDurably(`${path}.tmp`, path);
  return path;
}

/**
 * Writes archive lines as Parquet with exactly the archive table's columns, in its order and types. DuckDB reads
 * the lines from a temporary newline JSON file beside the target; a JSON key the line lacks (a control record's
 * `bpm`, a reading's `end`) is NULL, and `alerts`, not a column, is left out.
 */
export async function writeParquetFile(connection: DuckDBConnection, folder: string, name: string, lines: readonly string[]): Promise<string> {
  const path = join(folder, name);
  const input = `${path}.ndjson.tmp`;
  await mkdir(folder, { recursive: true });
  await writeFile(input, lines.join(''));
  try {
    await connection.run(copyToParquetSql(input, `${path}.tmp`));
    await publishFileDurably(`${path}.tmp`, path);
  } finally {
    await rm(input, { force: true });
  }
  return path;
}

function copyToParquetSql(input: string, output: string): string {
  const columns = ARCHIVE_COLUMNS.map((c) => `${quoteIdentifier(c.jsonKey)}: '${DUCKDB_TYPES[c.type]}'`).join(', ');
  const select = ARCHIVE_COLUMNS.map((c) => `${quoteIdentifier(c.jsonKey)} AS ${quoteIdentifier(c.name)}`).join(', ');
  return (
    `COPY (SELECT ${select} FROM read_json(${quoteString(input)}, format = 'newline_delimited', columns = {${columns}})) ` +
    `TO ${quoteString(output)} (FORMAT parquet)`
  );
}

// A data folder may hold any character; paths go into the SQL text only through these.
function quoteString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

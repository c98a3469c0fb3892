// `npm run query`'s engine: DuckDB in memory over the embedded archive (docs/queries.md), no server. The view
// `readings` has the Glue table's columns, so the named queries run as Athena runs them; the two Trino functions
// they use that DuckDB lacks are macros here, with Trino's meaning.
import { DuckDBInstance, type DuckDBConnection, type Json } from '@duckdb/node-api';
import { ARCHIVE_COLUMNS, ARCHIVE_PARTITION_KEYS, ARCHIVE_TABLE_NAME } from '../../src/core/archive-layout.ts';
import type { NamedQuerySpec } from '../../src/core/archive-queries.ts';
import { archiveReadingsDir, listArchiveFiles, type ArchiveFiles } from './archive-listing.ts';
import { dayRangeOf, namedQueryValues } from './query-params.ts';

export interface QueryResult {
  columns: string[];
  rows: Json[][];
}

export interface ArchiveQueryOptions {
  dataDir: string;
  /** Called about every 200 ms while DuckDB runs, with its estimate in percent. */
  onProgress?: (percent: number) => void;
}

// Athena runs in UTC; from_unixtime's zone and CAST(… AS date) follow the session's zone, so DuckDB's must match.
const COMPAT_SQL = [
  "SET TimeZone = 'UTC'",
  // DuckDB tracks a query's progress only with its progress bar on; the bar itself is not printed, the CLI
  // draws its own from connection.progress, from the start (DuckDB's default waits 2 s).
  'SET enable_progress_bar = true',
  'SET enable_progress_bar_print = false',
  'SET progress_bar_time = 0',
  // Trino: from_unixtime(double seconds) → timestamp(3) with time zone. DuckDB's to_timestamp is the same instant.
  'CREATE MACRO from_unixtime(seconds) AS to_timestamp(seconds)',
  // Trino's approx_percentile returns one of the values (a q-digest estimate, exact on small inputs); DuckDB's
  // quantile_disc is the exact value of the same kind, where DuckDB's approx_quantile would interpolate.
  'CREATE MACRO approx_percentile(x, percentage) AS quantile_disc(x, percentage)',
];

const GLUE_TO_DUCKDB: Record<string, string> = { int: 'INTEGER', string: 'VARCHAR', bigint: 'BIGINT', 'array<int>': 'INTEGER[]', boolean: 'BOOLEAN' };

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const fileList = (paths: readonly string[]): string => `[${paths.map(quote).join(', ')}]`;
const HIVE = `hive_partitioning = true, hive_types = {${ARCHIVE_PARTITION_KEYS.map((k) => `'${k}': INTEGER`).join(', ')}}`;

/** The SELECT that reads newline JSON archive lines, renaming their keys to the table's columns (viewId → viewid). */
function jsonSelect(paths: readonly string[]): string {
  const columns = ARCHIVE_COLUMNS.map((c) => `${quote(c.jsonKey)}: ${quote(GLUE_TO_DUCKDB[c.type] ?? 'VARCHAR')}`).join(', ');
  const renamed = ARCHIVE_COLUMNS.map((c) => `"${c.jsonKey}" AS ${c.name}`).join(', ');
  return `SELECT ${renamed}, ${ARCHIVE_PARTITION_KEYS.join(', ')} FROM read_json(${fileList(paths)}, format = 'newline_delimited', columns = {${columns}}, ${HIVE})`;
}

function readingsViewSql(files: ArchiveFiles): string {
  const parts: string[] = [];
  if (files.parquet.length > 0) parts.push(`SELECT * FROM read_parquet(${fileList(files.parquet)}, union_by_name = true, ${HIVE})`);
  if (files.json.length > 0) parts.push(jsonSelect(files.json));
  return `CREATE VIEW ${ARCHIVE_TABLE_NAME} AS ${parts.join('\nUNION ALL BY NAME\n')}`;
}

/** Opens DuckDB over the files, runs `use`, and closes it whatever happens. */
async function withArchive<T>(dataDir: string, files: ArchiveFiles, use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  if (files.parquet.length === 0 && files.json.length === 0) {
    throw new Error(
      `no archive files under ${archiveReadingsDir(dataDir)} (for these days): \`npm start\` archives readings there as they arrive; ` +
        'record a session (or point LHR_DATA_DIR at a data directory that has one)',
    );
  }
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    for (const sql of COMPAT_SQL) await connection.run(sql);
    await connection.run(readingsViewSql(files));
    return await use(connection);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function runWithProgress(connection: DuckDBConnection, sql: string, values: (string | number)[], onProgress?: (percent: number) => void): Promise<QueryResult> {
  const prepared = await connection.prepare(sql);
  // Days are integers in the SQL (yyyymmdd), so numbers bind as INTEGER and text as VARCHAR.
  values.forEach((value, index) => (typeof value === 'number' ? prepared.bindInteger(index + 1, value) : prepared.bindVarchar(index + 1, value)));
  const pending = prepared.start();
  const timer = onProgress
    ? setInterval(() => {
        const { percentage } = connection.progress;
        if (percentage >= 0) onProgress(percentage);
      }, 200)
    : undefined;
  try {
    const reader = await pending.readAll();
    return { columns: reader.columnNames(), rows: reader.getRowsJson() };
  } finally {
    clearInterval(timer);
  }
}

/** Runs a named query with `npm run query` flags over the archive days it asks for. */
export async function runNamedQuery(spec: NamedQuerySpec, flags: Readonly<Record<string, string>>, options: ArchiveQueryOptions): Promise<QueryResult> {
  const values = namedQueryValues(spec, flags);
  const files = await listArchiveFiles(options.dataDir, dayRangeOf(spec, values));
  return withArchive(options.dataDir, files, (connection) => runWithProgress(connection, spec.sql(ARCHIVE_TABLE_NAME), values, options.onProgress));
}

/** Runs any SQL over the whole archive as the view `readings`. */
export async function runArchiveSql(sql: string, options: ArchiveQueryOptions): Promise<QueryResult> {
  const files = await listArchiveFiles(options.dataDir);
  return withArchive(options.dataDir, files, (connection) => runWithProgress(connection, sql, [], options.onProgress));
}

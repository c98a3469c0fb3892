import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ARCHIVE_COLUMNS, archivePartitionPath } from '../../../src/core/archive-layout.ts';
import { toArchiveLine } from '../../../src/core/archive-record.ts';
import { encodeRecord, type ReadingRecord } from '../../../src/core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../../src/core/session-key.ts';
import { ARCHIVE_CHECKPOINT_FILE, startArchiveCopier, type ArchiveCopier, type ArchiveCopierOptions } from '../../../infra/local/archive-copier.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { startEmbeddedBackend } from '../../../infra/local/local-stack.ts';
import { startKinesisEmulator, type KinesisEmulator } from '../../../infra/local/kinesis-emulator.ts';

const STREAM = 'archive-test';
const KEYS = [createWriteKey(), createWriteKey()];
const T0 = Date.now() - 60_000;

function reading(key: string, seq: number, extra: Partial<ReadingRecord> = {}): ReadingRecord {
  return { v: 1, key, seq, t: T0 + seq * 1000, bpm: 60 + (seq % 100), rr: [800 + seq, 790], contact: true, kj: seq, ...extra };
}

/** `count` readings of each session, in order, as their encoded lines. */
function sessions(count: number, fromSeq = 0): string[] {
  return KEYS.flatMap((key) => Array.from({ length: count }, (_, i) => encodeRecord(reading(key, fromSeq + i))));
}

async function put(client: KinesisClient, lines: readonly string[]): Promise<void> {
  for (let start = 0; start < lines.length; start += 500) {
    const out = await client.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: lines.slice(start, start + 500).map((line, i) => ({ Data: Buffer.from(line), PartitionKey: derivePartitionKey(KEYS[(start + i) % 2] ?? '') })),
      }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name))).sort();
}

interface ArchivedRow {
  v: number;
  viewid: string;
  seq: string;
  t: string;
  bpm: number | null;
  rr: number[] | null;
  contact: boolean | null;
  kj: number | null;
  ended: boolean | null;
  exp: string | null;
  year: number;
  month: number;
  day: number;
  hour: number;
}

/** Reads the archive back as `npm run query` does: every Parquet file, hive partitions as columns. */
async function readParquet(archiveDir: string): Promise<{ rows: ArchivedRow[]; types: Record<string, string> }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const from = `read_parquet('${join(archiveDir, 'readings', '**', '*.parquet')}', hive_partitioning = true)`;
    const rows = (await connection.runAndReadAll(`SELECT * FROM ${from} ORDER BY viewid, seq`)).getRowObjectsJson() as unknown as ArchivedRow[];
    const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${from}`)).getRowObjectsJson() as Array<{ column_name: string; column_type: string }>;
    return { rows, types: Object.fromEntries(described.map((d) => [d.column_name, d.column_type])) };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('embedded archive copier (real kinesalite and DuckDB)', () => {
  let dir: string;
  let emulator: KinesisEmulator;
  let client: KinesisClient;
  let copier: ArchiveCopier | undefined;
  const logged: string[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-archive-'));
    emulator = await startKinesisEmulator({ port: 0, streamName: STREAM });
    client = createNodeKinesisClient(emulator.endpoint, 'eu-west-1');
    logged.length = 0;
  });

  afterEach(async () => {
    await copier?.stop();
    copier = undefined;
    client.destroy();
    await emulator.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function start(extra: Partial<ArchiveCopierOptions> = {}): Promise<ArchiveCopier> {
    return startArchiveCopier({
      client,
      streamName: STREAM,
      region: 'eu-west-1',
      dataDir: dir,
      pollIntervalMs: 10,
      log: { info: () => {}, error: (line) => logged.push(line) },
      ...extra,
    });
  }

  async function waitForStats(check: (s: ReturnType<ArchiveCopier['stats']>) => boolean, what: string): Promise<void> {
    await vi.waitFor(() => expect(check(copier?.stats() ?? { records: 0, archived: 0, dropped: 0, failed: 0, files: 0, buffered: 0 }), what).toBe(true), {
      timeout: 15_000,
      interval: 10,
    });
  }

  it('writes every reading once as Parquet with the archive columns, under hourly folders of arrival', async () => {
    // Prepare
    copier = await start({ maxAgeMs: 100 });
    const lines = sessions(50);
    const end = encodeRecord({ v: 1, key: KEYS[0] ?? '', seq: 50, t: T0 + 50_000, end: true, exp: T0 + 50_000 });

    // Act
    const putAt = Date.now();
    await put(client, [...lines, end]);
    await waitForStats((s) => s.archived === 101, 'all 101 lines in files');

    // Assess
    const { rows, types } = await readParquet(join(dir, 'archive'));
    const columns = ARCHIVE_COLUMNS.map((c) => c.name);
    // The file's columns first, in the table's order; then the folders' keys, which DuckDB orders as it likes.
    expect(Object.keys(types).slice(0, columns.length)).toEqual(columns);
    expect(Object.keys(types).slice(columns.length).sort()).toEqual(['day', 'hour', 'month', 'year']);
    expect(types).toMatchObject({ v: 'INTEGER', viewid: 'VARCHAR', seq: 'BIGINT', t: 'BIGINT', bpm: 'INTEGER', rr: 'INTEGER[]', contact: 'BOOLEAN', kj: 'INTEGER', ended: 'BOOLEAN', exp: 'BIGINT' });
    type Columns = Omit<ArchivedRow, 'v' | 'year' | 'month' | 'day' | 'hour'>;
    const expected: Columns[] = KEYS.flatMap((key) =>
      Array.from({ length: 50 }, (_, seq) => {
        const r = reading(key, seq);
        return { viewid: deriveViewId(key), seq: String(seq), t: String(r.t), bpm: r.bpm, rr: r.rr ?? null, contact: true, kj: seq, ended: null, exp: null };
      }),
    );
    expected.push({ viewid: deriveViewId(KEYS[0] ?? ''), seq: '50', t: String(T0 + 50_000), bpm: null, rr: null, contact: null, kj: null, ended: true, exp: String(T0 + 50_000) });
    expected.sort((a, b) => (a.viewid === b.viewid ? Number(a.seq) - Number(b.seq) : a.viewid < b.viewid ? -1 : 1));
    expect(rows.map(({ v: _v, year: _y, month: _m, day: _d, hour: _h, ...columns }): Columns => columns)).toEqual(expected);
    const folders = new Set((await filesUnder(join(dir, 'archive', 'readings'))).map((f) => f.slice(0, f.lastIndexOf('/') + 1)));
    // The put took well under an hour; it may straddle one hour boundary.
    expect([...folders].every((f) => f === archivePartitionPath(putAt) || f === archivePartitionPath(Date.now()))).toBe(true);
  });

  it('names files like Firehose objects and leaves no temporary file behind', async () => {
    // Prepare
    copier = await start({ maxAgeMs: 100 });

    // Act
    await put(client, sessions(5));
    await waitForStats((s) => s.archived === 10, '10 lines in files');
    await copier.stop();
    copier = undefined;

    // Assess
    const files = await filesUnder(join(dir, 'archive'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect(file).toMatch(/^readings\/year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/liveheartrate-archive-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.parquet$/);
    }
  });

  it('never stores a write key under archive/readings', async () => {
    // Prepare
    copier = await start({ maxAgeMs: 100 });

    // Act
    await put(client, sessions(30));
    await waitForStats((s) => s.archived === 60, '60 lines in files');

    // Assess
    const readings = join(dir, 'archive', 'readings');
    for (const file of await filesUnder(readings)) {
      const bytes = await readFile(join(readings, file));
      for (const key of KEYS) expect(bytes.includes(Buffer.from(key)), `${file} holds a write key`).toBe(false);
    }
  });

  it('writes malformed records to errors/processing-failed in Firehose error records, and drops contact gaps', async () => {
    // Prepare
    copier = await start({ maxAgeMs: 100 });
    const malformed = ['not json', encodeRecord(reading(KEYS[0] ?? '', 99, { bpm: 900 }))];
    const gap = encodeRecord(reading(KEYS[1] ?? '', 98, { bpm: 0, contact: false, rr: undefined, kj: undefined }));

    // Act
    const putAt = Date.now();
    await put(client, [...malformed, gap, ...sessions(2)]);
    await waitForStats((s) => s.failed === 2 && s.archived === 4 && s.dropped === 1, '2 failed, 4 archived, 1 dropped');

    // Assess
    const errorsDir = join(dir, 'archive', 'errors', 'processing-failed');
    const files = await filesUnder(errorsDir);
    expect(files.every((f) => /^year=\d{4}\/month=\d{2}\/day=\d{2}\/hour=\d{2}\/liveheartrate-archive-.*\.json$/.test(f))).toBe(true);
    const errors = (await Promise.all(files.map((f) => readFile(join(errorsDir, f), 'utf8'))))
      .join('')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(errors.map((e) => Buffer.from(String(e['rawData']), 'base64').toString())).toEqual(malformed);
    for (const error of errors) {
      expect(Object.keys(error)).toEqual(['attemptsMade', 'arrivalTimestamp', 'errorCode', 'errorMessage', 'attemptEndingTimestamp', 'rawData']);
      expect(error['errorCode']).toBe('Lambda.ProcessingFailedStatus');
      expect(error['arrivalTimestamp']).toBeGreaterThanOrEqual(putAt - 1000);
    }
    const { rows } = await readParquet(join(dir, 'archive'));
    expect(rows.map((r) => r.seq)).not.toContain('98');
  });

  it('holds the checkpoint until the lines are in files, and resumes from it after a restart with nothing lost', async () => {
    // Prepare: buffers that fill neither by size nor by age while the test runs
    copier = await start({ maxAgeMs: 3_600_000 });
    await put(client, sessions(20));
    const putDone = Date.now();
    await waitForStats((s) => s.records === 40 && s.buffered === 40, '40 records buffered');
    // The runner has read the shard empty after them, so it has finished its checkpoint save for them.
    await vi.waitFor(() => expect(copier?.runner.caughtUpTo()).toBeGreaterThan(putDone), { timeout: 15_000, interval: 10 });
    const checkpointPath = join(dir, ARCHIVE_CHECKPOINT_FILE);
    const before = await readFile(checkpointPath, 'utf8').catch(() => 'none');

    // Act
    await copier.stop();
    copier = undefined;
    const afterStop = JSON.parse(await readFile(checkpointPath, 'utf8')) as { streams: Record<string, object> };
    await put(client, sessions(20, 20));
    copier = await start({ maxAgeMs: 100 });
    await waitForStats((s) => s.archived === 40, 'the 40 new lines in files');

    // Assess
    expect(before).toBe('none');
    expect(Object.keys(afterStop.streams[STREAM] ?? {})).toHaveLength(1);
    expect(copier.runner.shards.map((s) => s.from)).toEqual(['checkpoint']);
    const { rows } = await readParquet(join(dir, 'archive'));
    const expected = KEYS.flatMap((key) => Array.from({ length: 40 }, (_, seq) => `${deriveViewId(key)}:${seq}`)).sort();
    expect(rows.map((r) => `${r.viewid}:${r.seq}`).sort()).toEqual(expected);
  });

  it('keeps the lines of a file it could not write and writes them once it can', async () => {
    // Prepare: a file where the readings folder should be, so creating the hourly folders fails
    await mkdir(join(dir, 'archive'), { recursive: true });
    await writeFile(join(dir, 'archive', 'readings'), 'in the way');
    copier = await start({ maxAgeMs: 50 });
    await put(client, sessions(5));
    await vi.waitFor(() => expect(logged.some((line) => line.startsWith('could not write 10 lines'))).toBe(true), { timeout: 15_000, interval: 10 });
    const whileBlocked = copier.stats();

    // Act
    await rm(join(dir, 'archive', 'readings'));
    await waitForStats((s) => s.archived === 10, '10 lines in files');

    // Assess
    expect(whileBlocked).toMatchObject({ archived: 0, buffered: 10 });
    const { rows } = await readParquet(join(dir, 'archive'));
    expect(rows).toHaveLength(10);
  });

  it('writes a buffer once it reaches its size, without waiting for its age', async () => {
    // Prepare
    copier = await start({ maxAgeMs: 3_600_000, maxBytes: 2_000, batchSize: 10 });

    // Act
    await put(client, sessions(50));
    // The runner counts a batch once the handler returned, and the handler waits for the files it filled.
    await vi.waitFor(() => expect(copier?.runner.stats().records).toBe(100), { timeout: 15_000, interval: 10 });

    // Assess
    const { files, archived, buffered } = copier.stats();
    const shortestLine = Buffer.byteLength(JSON.stringify({ v: 1, viewId: deriveViewId(KEYS[0] ?? ''), seq: 0 }));
    expect(files).toBeGreaterThan(1);
    expect(archived + buffered).toBe(100);
    // What is left is less than one buffer's worth.
    expect(buffered).toBeLessThan(2_000 / shortestLine);
  });

  it('writes the archive lines themselves as newline JSON in the json format', async () => {
    // Prepare
    copier = await start({ maxAgeMs: 100, format: 'json' });
    const lines = sessions(10);

    // Act
    await put(client, lines);
    await waitForStats((s) => s.archived === 20, '20 lines in files');

    // Assess
    const readings = join(dir, 'archive', 'readings');
    const files = await filesUnder(readings);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    const written = (await Promise.all(files.map((f) => readFile(join(readings, f), 'utf8')))).join('');
    const expected = lines.map((line) => {
      const result = toArchiveLine(line, Date.now());
      return result.ok ? result.line : '';
    });
    expect(written.split(/(?<=\n)/).sort()).toEqual(expected.sort());
  });
});

describe('the archive copier in the embedded backend', () => {
  it('archives what the stream received beside the consumer, and writes its buffers when the stack stops', async () => {
    // Prepare: buffers that neither fill nor age while the test runs, so only the stop writes them
    const dir = await mkdtemp(join(tmpdir(), 'lhr-archive-stack-'));
    const backend = await startEmbeddedBackend({
      kinesisPort: 0,
      streamName: STREAM,
      region: 'eu-west-1',
      dataDir: dir,
      archiveTuning: { pollIntervalMs: 10, maxAgeMs: 3_600_000 },
    });
    const client = createNodeKinesisClient(backend.kinesisEndpoint, 'eu-west-1');
    try {
      await put(client, sessions(10));
      await vi.waitFor(() => expect(backend.archiveStats()).toMatchObject({ records: 20, buffered: 20, files: 0 }), { timeout: 15_000, interval: 10 });
      await vi.waitFor(() => expect(backend.liveStore.countAllReadings()).toBe(20), { timeout: 15_000, interval: 10 });

      // Act
      await backend.stop();

      // Assess
      expect(backend.archiveStats()).toMatchObject({ archived: 20, buffered: 0, files: 1 });
      const { rows } = await readParquet(join(dir, 'archive'));
      expect(rows).toHaveLength(20);
    } finally {
      client.destroy();
      await backend.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
  });
});

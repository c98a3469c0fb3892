// `npm run query`: every named query on DuckDB over a generated archive with known answers (duplicates across
// files, a month boundary, a late arrival, a JSON file with a control record), the compat macros against their
// Trino meaning, and the CLI as a child process.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAILY_STATISTICS, SESSION_LIST, SESSION_SUMMARY, TIME_IN_ZONES } from '../../../src/core/archive-queries.ts';
import { archivePartitionPath } from '../../../src/core/archive-layout.ts';
import type { ArchiveLine } from '../../../src/core/archive-record.ts';
import { timeInZones } from '../../../src/core/zones.ts';
import { archiveReadingsDir } from '../../../infra/local/archive-listing.ts';
import { runArchiveSql, runNamedQuery } from '../../../infra/local/archive-query.ts';
import { writeArchiveRows, type ArchiveRow } from './archive-fixture.ts';

const CLI = fileURLToPath(new URL('../../../infra/local/query-cli.ts', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

// Session A: 600 readings at 1 Hz across the turn of October into November.
const A_START = Date.UTC(2026, 9, 31, 23, 55);
const sessionA: ArchiveRow[] = Array.from({ length: 600 }, (_, i) => ({ viewid: 'viewA', seq: i, t: A_START + i * 1000, bpm: 90 + (i % 60), arrived: A_START + i * 1000 + 1500 }));
// Session B: 300 readings with a 21 s disconnect after the 150th; the last ten arrive two days late.
const B_START = Date.UTC(2026, 10, 1, 10, 0);
const LATE = Date.UTC(2026, 10, 3, 9, 0);
const sessionB: ArchiveRow[] = Array.from({ length: 300 }, (_, i) => {
  const t = B_START + i * 1000 + (i >= 150 ? 20_000 : 0);
  return { viewid: 'viewB', seq: i, t, bpm: 140 + (i % 40), arrived: i >= 290 ? LATE : t + 1000 };
});
// Session C: newline JSON as the copier may write it, 120 readings and the control record that ends the broadcast.
const C_START = Date.UTC(2026, 10, 2, 8, 0);
const sessionC: ArchiveLine[] = [
  ...Array.from({ length: 120 }, (_, i): ArchiveLine => ({ v: 1, viewId: 'viewC', seq: i, t: C_START + i * 1000, bpm: 70 + (i % 10), rr: [850], contact: true })),
  { v: 1, viewId: 'viewC', seq: 120, t: C_START + 120_000, end: true },
];

let dataDir = '';

beforeAll(async () => {
  await mkdir('.tmp', { recursive: true });
  dataDir = await mkdtemp(join('.tmp', 'archive-query-'));
  await writeArchiveRows(dataDir, [...sessionA, ...sessionB], 'first');
  // At-least-once: a hundred of A's readings delivered again, into files of a later hour.
  await writeArchiveRows(dataDir, sessionA.slice(100, 200).map((r) => ({ ...r, arrived: r.arrived + 3_600_000 })), 'again');
  const hourDir = join(archiveReadingsDir(dataDir), archivePartitionPath(C_START + 5_000));
  await mkdir(hourDir, { recursive: true });
  await writeFile(join(hourDir, 'copier-1.json'), sessionC.map((line) => JSON.stringify(line) + '\n').join(''));
});

afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const stats = (bpms: number[]): { min: number; avg: number; max: number } => ({
  min: Math.min(...bpms),
  avg: Math.round((bpms.reduce((a, b) => a + b, 0) / bpms.length) * 10) / 10,
  max: Math.max(...bpms),
});
const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').replace('.000Z', '+00');

describe('session summary', () => {
  it('counts each reading once across duplicate files and months, with the lower median', async () => {
    // Prepare
    const bpms = sessionA.map((r) => r.bpm ?? 0);
    const sorted = [...bpms].sort((a, b) => a - b);

    // Act
    const result = await runNamedQuery(SESSION_SUMMARY, { view: 'viewA', from: '2026-10-31', to: '2026-11-01' }, { dataDir });

    // Assess
    expect(result.columns).toEqual(['readings', 'first_reading_utc', 'last_reading_utc', 'duration_minutes', 'min_bpm', 'avg_bpm', 'median_bpm', 'max_bpm']);
    const { min, avg, max } = stats(bpms);
    expect(result.rows).toEqual([['600', iso(A_START), iso(A_START + 599_000), 10, min, avg, sorted[299], max]]);
  });

  it('finds a late reading only when the arrival days reach the day it arrived', async () => {
    // Act
    const onTime = await runNamedQuery(SESSION_SUMMARY, { view: 'viewB', from: '2026-11-01', to: '2026-11-02' }, { dataDir });
    const withLate = await runNamedQuery(SESSION_SUMMARY, { view: 'viewB', from: '2026-11-01', to: '2026-11-03' }, { dataDir });

    // Assess
    expect(onTime.rows[0]?.[0]).toBe('290');
    expect(withLate.rows[0]?.[0]).toBe('300');
    expect(withLate.rows[0]?.[2]).toBe(iso(sessionB[299]?.t ?? 0));
  });
});

describe('daily statistics', () => {
  it('groups by the readings own UTC day, without control records', async () => {
    // Act
    const result = await runNamedQuery(DAILY_STATISTICS, { from: '2026-10-31', to: '2026-11-03' }, { dataDir });

    // Assess
    const day = (rows: { bpm: number | null }[]): [number, number, number] => {
      const { min, avg, max } = stats(rows.map((r) => r.bpm ?? 0));
      return [min, avg, max];
    };
    const aOctober = sessionA.filter((r) => r.t < Date.UTC(2026, 10, 1));
    const november1 = [...sessionA.filter((r) => r.t >= Date.UTC(2026, 10, 1)), ...sessionB];
    const cReadings = sessionC.filter((l) => l.bpm !== undefined).map((l) => ({ bpm: l.bpm ?? null }));
    expect(result.rows).toEqual([
      ['2026-10-31', '1', '300', ...day(aOctober)],
      ['2026-11-01', '2', '600', ...day(november1)],
      ['2026-11-02', '1', '120', ...day(cReadings)],
    ]);
  });
});

describe('time in zones', () => {
  it('equals src/core/zones.ts timeInZones over the same readings, the disconnect capped', async () => {
    // Prepare
    const expectedMs = timeInZones(sessionB.map((r) => r.t), sessionB.map((r) => r.bpm ?? 0), sessionB.length, 180);
    const total = expectedMs.reduce((a, b) => a + b, 0);
    const expected = expectedMs.flatMap((ms, zone) => (ms > 0 ? [[zone, Math.round(ms / 6000) / 10, Math.round((1000 * ms) / total) / 10]] : []));

    // Act
    const result = await runNamedQuery(TIME_IN_ZONES, { view: 'viewB', from: '2026-11-01', to: '2026-11-03', 'max-hr': '180' }, { dataDir });

    // Assess
    expect(result.columns).toEqual(['zone', 'minutes', 'percent']);
    expect(result.rows).toEqual(expected);
    expect(total).toBe(319_000 - 21_000 + 5_000); // the 21 s disconnect counts as 5 s
  });
});

describe('sessions', () => {
  it('lists every session in the days, oldest first, and reads only those days', async () => {
    // Act
    const all = await runNamedQuery(SESSION_LIST, { from: '2026-10-31', to: '2026-11-03' }, { dataDir });
    const lateDayOnly = await runNamedQuery(SESSION_LIST, { from: '2026-11-03', to: '2026-11-03' }, { dataDir });

    // Assess
    expect(all.rows.map((row) => [row[0], row[1], row[3]])).toEqual([
      ['viewA', iso(A_START), '600'],
      ['viewB', iso(B_START), '300'],
      ['viewC', iso(C_START), '120'],
    ]);
    expect(lateDayOnly.rows.map((row) => [row[0], row[3]])).toEqual([['viewB', '10']]);
  });
});

describe('compat macros', () => {
  it('from_unixtime and approx_percentile mean what Trino means: the UTC instant, and one of the values', async () => {
    // Act
    const result = await runArchiveSql(
      "SELECT from_unixtime(1764487800.5) AS instant, CAST(from_unixtime(86399e0) AS date) AS day, approx_percentile(x, 0.5) AS median FROM (VALUES (1), (2), (10), (20)) AS v(x)",
      { dataDir },
    );

    // Assess
    expect(result.rows).toEqual([['2025-11-30 07:30:00.5+00', '1970-01-01', 2]]);
  });
});

describe('npm run query', () => {
  const cli = async (args: string[], dir = dataDir): Promise<{ code: number; stdout: string; stderr: string }> => {
    try {
      const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', TSX_LOADER, CLI, ...args], { env: { ...process.env, LHR_DATA_DIR: dir } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  };

  it('prints a named query as a table', async () => {
    // Act
    const { code, stdout } = await cli(['session-summary', '--view', 'viewC', '--from', '2026-11-02', '--to=2026-11-02']);

    // Assess
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^readings\s+first_reading_utc\s+last_reading_utc/);
    expect(lines[2]).toMatch(/^\s*120\s+2026-11-02 08:00:00\+00\s+2026-11-02 08:01:59\+00\s+2\b/);
    expect(lines[3]).toBe('(1 row)');
  });

  it('runs SQL over the view readings', async () => {
    // Act
    const { code, stdout } = await cli(['SELECT count(DISTINCT viewid) AS sessions, count(*) AS lines FROM readings']);

    // Assess
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')[2]).toMatch(/^\s*3\s+1121$/);
  });

  it.each([
    [['no-such-query'], /unknown query "no-such-query"; named queries: session-summary, daily-statistics, time-in-zones, sessions/],
    [['time-in-zones', '--from', '2026-11-01'], /time-in-zones needs --view/],
    [['sessions', '--from', '2026-02-30'], /--from "2026-02-30": expected a day as YYYY-MM-DD/],
    [['sessions', '--colour', 'red'], /unknown option --colour/],
    [['SELECT nope FROM readings'], /query: .*nope/],
  ])('fails with a clear message: %j', async (args, message) => {
    // Act
    const { code, stdout, stderr } = await cli(args);

    // Assess
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
  });

  it('says how to get an archive when there is none', async () => {
    // Prepare
    const empty = await mkdtemp(join('.tmp', 'archive-empty-'));

    // Act
    const { code, stderr } = await cli(['sessions'], empty);
    await rm(empty, { recursive: true });

    // Assess
    expect(code).toBe(1);
    expect(stderr).toMatch(/no archive files under .*archive\/readings.*`npm start` archives readings/);
  });
});

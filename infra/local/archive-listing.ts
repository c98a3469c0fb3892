// The embedded archive's files (docs/queries.md): <dataDir>/archive/readings/year=/month=/day=/hour=/*.parquet
// (and newline JSON), as the embedded copier writes them. Listing the day folders of a range here is how
// `npm run query` prunes by arrival day: DuckDB does not prune hive folders on the named queries' yyyymmdd
// expression, Athena's partition projection does.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ARCHIVE_DATA_PREFIX } from '../../src/core/archive-layout.ts';

export interface ArchiveFiles {
  parquet: string[];
  json: string[];
}

/** Arrival days as yyyymmdd integers, both ends included. */
export interface DayRange {
  from: number;
  to: number;
}

export function archiveReadingsDir(dataDir: string): string {
  return join(dataDir, 'archive', ARCHIVE_DATA_PREFIX);
}

/** The integer after `name=` in a partition folder, or undefined for anything else (stray files, temp folders). */
function partitionValue(folder: string, name: string): number | undefined {
  const match = new RegExp(`^${name}=(\\d+)$`).exec(folder);
  return match ? Number(match[1]) : undefined;
}

async function subfolders(dir: string, name: string): Promise<{ path: string; value: number }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.flatMap((entry) => {
    const value = entry.isDirectory() ? partitionValue(entry.name, name) : undefined;
    return value === undefined ? [] : [{ path: join(dir, entry.name), value }];
  });
}

/** Every archive file whose arrival day is in the range (all days without one), sorted for stable plans. */
export async function listArchiveFiles(dataDir: string, days?: DayRange): Promise<ArchiveFiles> {
  const files: ArchiveFiles = { parquet: [], json: [] };
  const inRange = (day: number): boolean => !days || (day >= days.from && day <= days.to);
  for (const year of await subfolders(archiveReadingsDir(dataDir), 'year')) {
    for (const month of await subfolders(year.path, 'month')) {
      for (const day of await subfolders(month.path, 'day')) {
        if (!inRange(year.value * 10000 + month.value * 100 + day.value)) continue;
        for (const hour of await subfolders(day.path, 'hour')) {
          for (const name of await readdir(hour.path)) {
            if (name.endsWith('.parquet')) files.parquet.push(join(hour.path, name));
            else if (name.endsWith('.json')) files.json.push(join(hour.path, name));
          }
        }
      }
    }
  }
  files.parquet.sort();
  files.json.sort();
  return files;
}

// Archive copier throughput: readings already in kinesalite (an hour of a busy stack, or a backlog after a restart)
// read by the embedded archive copier, run through the archive transform and written as files under
// <dataDir>/archive, until the last file is renamed and the checkpoint saved (docs/architecture.md "Batch layer").
// Run: npx tsx tests/bench/archive-copier.ts [records]
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { encodeRecord } from '../../src/core/record.ts';
import { createWriteKey, derivePartitionKey } from '../../src/core/session-key.ts';
import { startArchiveCopier } from '../../infra/local/archive-copier.ts';
import type { ArchiveFormat } from '../../infra/local/archive-files.ts';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import { startKinesisEmulator } from '../../infra/local/kinesis-emulator.ts';

const STREAM = 'bench-archive';

export interface ArchiveCopierRun {
  format: ArchiveFormat;
  seconds: number;
  recordsPerSecond: number;
  files: number;
  bytesOnDisk: number;
}

export interface ArchiveCopierBench {
  records: number;
  sessions: number;
  runs: ArchiveCopierRun[];
  loadAverage: number;
  cores: number;
  cpu: string;
}

export async function benchArchiveCopier(records = 100_000, sessions = 50): Promise<ArchiveCopierBench> {
  const keys = Array.from({ length: sessions }, (_, i) => createWriteKey((n) => Uint8Array.from({ length: n }, (_, j) => (i * 31 + j * 7 + 1) & 0xff)));
  const partitionKeys = keys.map(derivePartitionKey);
  const baseT = Date.now() - 3_600_000;
  const emulator = await startKinesisEmulator({ port: 0, streamName: STREAM });
  const client = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
  try {
    // Put before timing: the figure is the copier's, from the stream to renamed files.
    for (let start = 0; start < records; start += 500) {
      const entries = Array.from({ length: Math.min(500, records - start) }, (_, i) => {
        const n = start + i;
        const seq = Math.floor(n / sessions);
        const line = encodeRecord({ v: 1, key: keys[n % sessions] ?? '', seq, t: baseT + seq * 1000, bpm: 60 + (seq % 120), rr: [812 + (seq % 40), 806], contact: true });
        return { Data: Buffer.from(line), PartitionKey: partitionKeys[n % sessions] ?? '' };
      });
      await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: entries }));
    }
    const runs: ArchiveCopierRun[] = [];
    for (const format of ['parquet', 'json'] as const) runs.push(await copyAll(emulator.endpoint, records, format));
    return { records, sessions, runs, loadAverage: loadavg()[0] ?? 0, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
  } finally {
    client.destroy();
    await emulator.stop();
  }
}

/** A fresh copier (own data folder, so from the oldest record) with the defaults `npm start` uses, but quick polls. */
async function copyAll(endpoint: string, records: number, format: ArchiveFormat): Promise<ArchiveCopierRun> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lhr-bench-archive-'));
  const client = createNodeKinesisClient(endpoint, 'us-east-1');
  try {
    const started = performance.now();
    const copier = await startArchiveCopier({ client, streamName: STREAM, region: 'us-east-1', dataDir, format, pollIntervalMs: 10 });
    while (copier.runner.stats().records < records) await new Promise((resolve) => setTimeout(resolve, 5));
    // Stopping writes what is still buffered and saves the checkpoint: part of getting every record into a file.
    await copier.stop();
    const seconds = (performance.now() - started) / 1000;
    const stats = copier.stats();
    if (stats.archived !== records) throw new Error(`archived ${stats.archived} of ${records}`);
    return { format, seconds, recordsPerSecond: records / seconds, files: stats.files, bytesOnDisk: await sizeOf(join(dataDir, 'archive')) };
  } finally {
    client.destroy();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function sizeOf(dir: string): Promise<number> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const sizes = await Promise.all(entries.filter((e) => e.isFile()).map(async (e) => (await stat(join(e.parentPath, e.name))).size));
  return sizes.reduce((a, b) => a + b, 0);
}

export function formatArchiveCopierBench(b: ArchiveCopierBench): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  return [
    `Archive copier: ${n(b.records)} readings of ${b.sessions} sessions, kinesalite → transform → files — ${b.cores} cores (${b.cpu})`,
    ...b.runs.map(
      (r) => `  ${r.format.padEnd(7)}: ${n(r.recordsPerSecond)} records/s (${r.seconds.toFixed(1)} s), ${r.files} files, ${(r.bytesOnDisk / 2 ** 20).toFixed(1)} MiB on disk`,
    ),
    `  load average ${b.loadAverage.toFixed(1)} at the end`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(formatArchiveCopierBench(await benchArchiveCopier(records)));
}

// Measures the local Kinesis emulator the embedded stack runs (kinesalite, in-process): PutRecords throughput
// with full batches and with single records, and put→get latency, in memory and on LevelDB with and without
// synchronous writes. Run: npx tsx tests/bench/kinesis-emulator.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import { startKinesisEmulator } from '../../infra/local/kinesis-emulator.ts';
import { derivePartitionKey } from '../../src/core/session-key.ts';

/** `leveldb` is kinesalite's LevelDB store with `syncWrites: false`, `leveldb-sync` the embedded default. */
export type EmulatorStore = 'memory' | 'leveldb' | 'leveldb-sync';

export interface BenchOptions {
  stores?: readonly EmulatorStore[];
  records?: number;
  batchSize?: number;
  /** Records sent one per PutRecords call for the single-record rate. */
  singleRecords?: number;
  latencySamples?: number;
}

export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
}

export interface StoreFigures {
  store: EmulatorStore;
  records: number;
  /** Size of the record's data (the JSON line), without the partition key. */
  bytesPerRecord: number;
  /** Whole run, batches sent one after another as the app's uplink does. */
  recordsPerSecond: number;
  /** The first and last 10% of the run: shows whether writes slow down as the stream fills. */
  firstTenthRecordsPerSecond: number;
  lastTenthRecordsPerSecond: number;
  batchMs: Percentiles;
  /** Single-record PutRecords calls one after another, as a live reading is sent. */
  singleRecordsPerSecond: number;
  /** One single-record PutRecords call. */
  putMs: Percentiles;
  /** From sending a single-record PutRecords to seeing it in GetRecords, polling without pause. */
  putToGetMs: Percentiles;
}

export interface KinesisEmulatorBench {
  emulator: string;
  node: string;
  cores: number;
  cpu: string;
  batchSize: number;
  stores: StoreFigures[];
}

const STREAM = 'bench';
const SHARD = 'shardId-000000000000';

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}

/**
 * A wire record (docs/architecture.md, v1) at the large end of real ones: a full 20-byte 0x2A37 packet holds energy and
 * eight RR intervals, which puts the JSON line at about 150 bytes.
 */
function makeRecord(seq: number, key: string): { Data: Uint8Array; PartitionKey: string } {
  const reading = {
    v: 1,
    key,
    seq,
    t: 1_764_350_000_000 + seq * 1000,
    bpm: 60 + (seq % 120),
    rr: [812 + (seq % 40), 806, 799, 815, 821, 809, 798, 803],
    contact: true,
    kj: 100 + (seq % 5000),
  };
  return { Data: Buffer.from(`${JSON.stringify(reading)}\n`), PartitionKey: derivePartitionKey(key) };
}

async function measureThroughput(client: KinesisClient, records: number, batchSize: number) {
  // Shaped like src/core/session-key.ts: 22 base64url characters.
  const key = 'o3HxG0v2Qm9MZkq8TnW5bA';
  const batchMs: number[] = [];
  const batchEnds: number[] = [];
  let bytes = 0;
  const start = performance.now();
  for (let sent = 0; sent < records; sent += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, records - sent) }, (_, i) => makeRecord(sent + i, key));
    bytes += batch.reduce((sum, record) => sum + record.Data.byteLength, 0);
    const before = performance.now();
    const result = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: batch }));
    if (result.FailedRecordCount) throw new Error(`${result.FailedRecordCount} records failed`);
    const after = performance.now();
    batchMs.push(after - before);
    batchEnds.push(after);
  }
  const elapsedSeconds = (performance.now() - start) / 1000;
  const tenth = Math.max(1, Math.floor(batchMs.length / 10));
  const rate = (from: number, to: number): number => {
    const tenthRecords = tenth * batchSize;
    const startAt = from === 0 ? start : (batchEnds[from - 1] ?? start);
    return tenthRecords / (((batchEnds[to - 1] ?? start) - startAt) / 1000);
  };
  return {
    bytesPerRecord: bytes / records,
    recordsPerSecond: records / elapsedSeconds,
    firstTenthRecordsPerSecond: rate(0, tenth),
    lastTenthRecordsPerSecond: rate(batchMs.length - tenth, batchMs.length),
    batchMs: percentiles(batchMs),
  };
}

async function measureLatency(client: KinesisClient, samples: number) {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'LATEST' }),
  );
  let iterator = ShardIterator;
  const putMs: number[] = [];
  const putToGetMs: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: [makeRecord(i, 'o3HxG0v2Qm9MZkq8TnW5bA')] }));
    putMs.push(performance.now() - start);
    for (;;) {
      const result = await client.send(new GetRecordsCommand({ ShardIterator: iterator }));
      iterator = result.NextShardIterator;
      if ((result.Records ?? []).length > 0) break;
    }
    putToGetMs.push(performance.now() - start);
  }
  return { putMs: percentiles(putMs), putToGetMs: percentiles(putToGetMs) };
}

async function benchStore(
  store: EmulatorStore,
  records: number,
  batchSize: number,
  singleRecords: number,
  latencySamples: number,
): Promise<StoreFigures> {
  const dir = store === 'memory' ? undefined : await mkdtemp(join(tmpdir(), 'lhr-bench-kinesis-'));
  const emulator = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir, syncWrites: store === 'leveldb-sync' });
  const client = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
  try {
    // Warm up connections and JIT so the first batches do not stand for the emulator.
    await measureThroughput(client, batchSize * 4, batchSize);
    const throughput = await measureThroughput(client, records, batchSize);
    const single = await measureThroughput(client, singleRecords, 1);
    const latency = await measureLatency(client, latencySamples);
    return { store, records, ...throughput, singleRecordsPerSecond: single.recordsPerSecond, ...latency };
  } finally {
    client.destroy();
    await emulator.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

export async function benchKinesisEmulator(options: BenchOptions = {}): Promise<KinesisEmulatorBench> {
  const batchSize = options.batchSize ?? 500;
  const figures: StoreFigures[] = [];
  for (const store of options.stores ?? ['memory', 'leveldb', 'leveldb-sync']) {
    figures.push(await benchStore(store, options.records ?? 50_000, batchSize, options.singleRecords ?? 2_000, options.latencySamples ?? 200));
  }
  const cpuList = cpus();
  return {
    emulator: 'kinesalite 3.3.3, in-process',
    node: process.version,
    cores: cpuList.length,
    cpu: cpuList[0]?.model ?? 'unknown',
    batchSize,
    stores: figures,
  };
}

export function formatKinesisEmulatorBench(bench: KinesisEmulatorBench): string {
  const round = (value: number): string => Math.round(value).toLocaleString('en-US');
  const ms = (value: number): string => value.toFixed(1);
  const table = (header: string[], rows: string[][]): string[] => {
    const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)));
    return [header, ...rows].map((row) => row.map((cell, i) => cell.padStart(widths[i] ?? 0)).join('  '));
  };
  return [
    `Kinesis emulator: ${bench.emulator} — Node ${bench.node}, ${bench.cores} cores (${bench.cpu})`,
    '',
    `PutRecords throughput (batches of ${bench.batchSize}, sent one after another)`,
    ...table(
      ['store', 'records', 'bytes/rec', 'records/s', 'first 10% rec/s', 'last 10% rec/s', 'batch p50 ms', 'batch p95 ms'],
      bench.stores.map((s) => [
        s.store,
        round(s.records),
        round(s.bytesPerRecord),
        round(s.recordsPerSecond),
        round(s.firstTenthRecordsPerSecond),
        round(s.lastTenthRecordsPerSecond),
        ms(s.batchMs.p50),
        ms(s.batchMs.p95),
      ]),
    ),
    '',
    'One reading per PutRecords (ms; put→get polls GetRecords without pause, the emulator floor)',
    ...table(
      ['store', 'records/s', 'put p50', 'put p95', 'put→get p50', 'put→get p95', 'put→get max'],
      bench.stores.map((s) => [
        s.store,
        round(s.singleRecordsPerSecond),
        ms(s.putMs.p50),
        ms(s.putMs.p95),
        ms(s.putToGetMs.p50),
        ms(s.putToGetMs.p95),
        ms(s.putToGetMs.max),
      ]),
    ),
    '',
    'For comparison, not measured by this script: kinesis-local 0.6.2 (not installed) reached about 1,000 records/s',
    'on this machine, slowing as data grew, and binds 0.0.0.0.',
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(formatKinesisEmulatorBench(await benchKinesisEmulator()));
}

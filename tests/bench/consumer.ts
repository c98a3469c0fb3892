// Consumer throughput: Kinesis-shaped batches through the Lambda handler's code (processKinesisBatch) into the
// embedded SQLite store, with producer resends mixed in that the store must ignore.
// Run: npx tsx tests/bench/consumer.ts [records]
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';
import { encodeRecord, type ReadingRecord } from '../../src/core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../src/core/session-key.ts';
import { SESSION_RATE_LIMIT } from '../../src/core/session-rate-limit.ts';
import { processKinesisBatch } from '../../functions/consumer/process-batch.ts';
import { silentLogger } from '../../functions/lib/logger.ts';
import { openSqliteStore } from '../../functions/store/sqlite-store.ts';

export interface ConsumerBenchOptions {
  /** Records delivered, resends included. */
  records?: number;
  batchSize?: number;
  /** Broadcasts interleaved on the shard. */
  sessions?: number;
  /** Share of records that are resends of an earlier reading. */
  duplicateShare?: number;
  synchronous?: 'full' | 'normal';
}

export interface ConsumerBench {
  records: number;
  batchSize: number;
  sessions: number;
  synchronous: 'full' | 'normal';
  uniqueReadings: number;
  resends: number;
  stored: number;
  duplicates: number;
  storeCount: number;
  seconds: number;
  recordsPerSecond: number;
  /** CPU time this process spent in the handler: the figure that holds when other work shares the cores. */
  cpuSeconds: number;
  recordsPerCpuSecond: number;
  /** 1-minute load average when the run ended (2 cores: above 2 means the run had to share them). */
  loadAverage: number;
  batchMsP50: number;
  batchMsP95: number;
  dbBytes: number;
  cores: number;
  cpu: string;
}

// Half a day back: old enough to look like a backlog, well inside the consumer's 24 h live horizon, so no
// reading is dropped as outside-horizon while the run lasts.
const BASE_T = Date.now() - 12 * 3600 * 1000;

export async function benchConsumer(options: ConsumerBenchOptions = {}): Promise<ConsumerBench> {
  const records = options.records ?? 1_000_000;
  const batchSize = options.batchSize ?? 500;
  // Enough broadcasts that none goes over its rate limit's burst (src/core/session-rate-limit.ts) while the run
  // lasts: every distinct reading is stored, so the figure measures the store path, not cheap refusals.
  const sessionCount = options.sessions ?? Math.max(50, Math.ceil(records / (SESSION_RATE_LIMIT.burst / 2)));
  const duplicateShare = options.duplicateShare ?? 0.1;
  const synchronous = options.synchronous ?? 'full';
  const dir = await mkdtemp(join(tmpdir(), 'lhr-bench-consumer-'));
  const store = openSqliteStore(join(dir, 'live.db'), { synchronous });
  const sessions = Array.from({ length: sessionCount }, (_, i) => {
    // The last byte also takes i / 256, so more than 256 sessions still get distinct keys.
    const key = createWriteKey((n) => Uint8Array.from({ length: n }, (_, j) => (i * 31 + j * 7 + 1 + (j === n - 1 ? i >> 8 : 0)) & 0xff));
    return { key, viewId: deriveViewId(key), next: 0 };
  });
  // Derived once per session, so building events adds no hashing to the measured run.
  const partitionKeys = new Map(sessions.map((s) => [s.key, derivePartitionKey(s.key)]));
  // Deterministic pseudo-random choices, so runs compare.
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };

  let sequence = 0n;
  let uniqueReadings = 0;
  let resends = 0;
  const recent: ReadingRecord[] = [];
  const makeBatch = (size: number): KinesisStreamEvent => ({
    Records: Array.from({ length: size }, () => {
      let reading: ReadingRecord;
      if (recent.length > 0 && random() < duplicateShare) {
        reading = recent[Math.floor(random() * recent.length)] as ReadingRecord;
        resends++;
      } else {
        const s = sessions[Math.floor(random() * sessions.length)] as (typeof sessions)[number];
        const seq = s.next++;
        reading = { v: 1, key: s.key, seq, t: BASE_T + seq * 1000, bpm: 60 + (seq % 120), rr: [812 + (seq % 40), 806, 799], contact: true };
        uniqueReadings++;
        recent.push(reading);
        if (recent.length > 5000) recent.shift();
      }
      sequence += 1n;
      return {
        kinesis: {
          kinesisSchemaVersion: '1.0',
          partitionKey: partitionKeys.get(reading.key) ?? '',
          sequenceNumber: (49_600_000_000_000_000_000_000_000n + sequence).toString(),
          data: Buffer.from(encodeRecord(reading)).toString('base64'),
          approximateArrivalTimestamp: Date.now() / 1000,
        },
        eventSource: 'aws:kinesis',
        eventVersion: '1.0',
        eventID: `shardId-000000000000:${sequence}`,
        eventName: 'aws:kinesis:record',
        invokeIdentityArn: 'arn:aws:iam::000000000000:role/bench',
        awsRegion: 'us-east-1',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/bench',
      };
    }),
  });

  try {
    const batchMs: number[] = [];
    let cpuMicros = 0;
    let stored = 0;
    let duplicates = 0;
    // Only handler time counts: building the events stands for Lambda's own work.
    for (let sent = 0; sent < records; sent += batchSize) {
      const event = makeBatch(Math.min(batchSize, records - sent));
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const result = await processKinesisBatch(event, { store, now: Date.now, log: silentLogger });
      const cpu = process.cpuUsage(cpuBefore);
      batchMs.push(performance.now() - started);
      cpuMicros += cpu.user + cpu.system;
      if (result.batchItemFailures.length > 0) throw new Error('a batch failed');
      stored += result.stored;
      duplicates += result.duplicates;
    }
    const seconds = batchMs.reduce((a, b) => a + b, 0) / 1000;
    const sorted = [...batchMs].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    const storeCount = store.countAllReadings();
    await store.close();
    const dbBytes = (await stat(join(dir, 'live.db'))).size;
    return {
      records,
      batchSize,
      sessions: sessionCount,
      synchronous,
      uniqueReadings,
      resends,
      stored,
      duplicates,
      storeCount,
      seconds,
      recordsPerSecond: records / seconds,
      cpuSeconds: cpuMicros / 1e6,
      recordsPerCpuSecond: records / (cpuMicros / 1e6),
      loadAverage: loadavg()[0] ?? 0,
      batchMsP50: at(0.5),
      batchMsP95: at(0.95),
      dbBytes,
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export function formatConsumerBench(b: ConsumerBench): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  const exact = b.storeCount === b.uniqueReadings && b.stored === b.uniqueReadings && b.duplicates === b.resends;
  return [
    `Consumer → SQLite store (synchronous=${b.synchronous}): ${n(b.records)} records in batches of ${b.batchSize}, ${b.sessions} sessions, ${n(b.resends)} resends — ${b.cores} cores (${b.cpu})`,
    `  ${n(b.recordsPerSecond)} records/s through the handler (${b.seconds.toFixed(1)} s wall time); batch p50 ${b.batchMsP50.toFixed(1)} ms, p95 ${b.batchMsP95.toFixed(1)} ms`,
    `  ${n(b.recordsPerCpuSecond)} records per CPU-second (${b.cpuSeconds.toFixed(1)} s CPU); load average ${b.loadAverage.toFixed(1)} at the end`,
    `  stored ${n(b.stored)}, duplicates ignored ${n(b.duplicates)}, rows in store ${n(b.storeCount)} of ${n(b.uniqueReadings)} distinct readings: ${exact ? 'exact' : 'MISMATCH'}`,
    `  database file ${(b.dbBytes / 2 ** 20).toFixed(0)} MiB (${(b.dbBytes / Math.max(1, b.storeCount)).toFixed(0)} bytes per reading)`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(formatConsumerBench(await benchConsumer({ records })));
}

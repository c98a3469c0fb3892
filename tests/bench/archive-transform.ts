// Archive transform throughput: Firehose transformation events through transformRecords, the module the
// record-transform Lambda and the embedded copier are to share (docs/architecture.md "Batch layer").
// Run: npx tsx tests/bench/archive-transform.ts [records]
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import type { FirehoseTransformationEvent } from 'aws-lambda';
import { encodeRecord } from '../../src/core/record.ts';
import { createViewIdCache, createWriteKey, deriveViewId } from '../../src/core/session-key.ts';
import { transformRecords } from '../../functions/archive-transform/transform.ts';
import { silentLogger } from '../../functions/lib/logger.ts';

export interface ArchiveTransformBench {
  records: number;
  batchSize: number;
  sessions: number;
  /** Each view id derived afresh (SHA-256 per record), and through a cache as a long-lived process would. */
  uncached: { recordsPerSecond: number; recordsPerCpuSecond: number };
  cached: { recordsPerSecond: number; recordsPerCpuSecond: number };
  okLines: number;
  loadAverage: number;
  cores: number;
  cpu: string;
}

export function benchArchiveTransform(records = 500_000, batchSize = 500, sessions = 50): ArchiveTransformBench {
  const keys = Array.from({ length: sessions }, (_, i) => createWriteKey((n) => Uint8Array.from({ length: n }, (_, j) => (i * 31 + j * 7 + 1) & 0xff)));
  const arrival = Date.now();
  // Events are built before timing: Firehose hands the Lambda a ready event.
  const events: FirehoseTransformationEvent[] = [];
  for (let sent = 0; sent < records; sent += batchSize) {
    const size = Math.min(batchSize, records - sent);
    events.push({
      invocationId: 'bench',
      deliveryStreamArn: 'arn:aws:firehose:us-east-1:000000000000:deliverystream/bench',
      region: 'us-east-1',
      records: Array.from({ length: size }, (_, i) => {
        const seq = sent + i;
        const key = keys[seq % sessions] ?? '';
        const line = encodeRecord({ v: 1, key, seq, t: arrival - 3_600_000 + seq, bpm: 60 + (seq % 120), rr: [812 + (seq % 40), 806], contact: true });
        return { recordId: String(seq), approximateArrivalTimestamp: arrival, data: Buffer.from(line).toString('base64') };
      }),
    });
  }

  let okLines = 0;
  const run = (viewIdOf: (key: string) => string): { recordsPerSecond: number; recordsPerCpuSecond: number } => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    for (const event of events) {
      const response = transformRecords(event, { log: silentLogger, now: Date.now, viewIdOf });
      for (const r of response.records) if (r.result === 'Ok') okLines++;
    }
    const cpu = process.cpuUsage(cpuBefore);
    const seconds = (performance.now() - started) / 1000;
    return { recordsPerSecond: records / seconds, recordsPerCpuSecond: records / ((cpu.user + cpu.system) / 1e6) };
  };

  const uncached = run(deriveViewId);
  const cached = run(createViewIdCache());
  return { records, batchSize, sessions, uncached, cached, okLines, loadAverage: loadavg()[0] ?? 0, cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown' };
}

export function formatArchiveTransformBench(b: ArchiveTransformBench): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  return [
    `Archive transform: ${n(b.records)} readings in events of ${b.batchSize}, ${b.sessions} sessions — ${b.cores} cores (${b.cpu})`,
    `  view id derived per record: ${n(b.uncached.recordsPerSecond)} records/s (${n(b.uncached.recordsPerCpuSecond)} per CPU-second)`,
    `  view id through a cache:    ${n(b.cached.recordsPerSecond)} records/s (${n(b.cached.recordsPerCpuSecond)} per CPU-second)`,
    `  Ok lines ${n(b.okLines)} of ${n(2 * b.records)}; load average ${b.loadAverage.toFixed(1)} at the end`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const records = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(formatArchiveTransformBench(benchArchiveTransform(records)));
}

// The whole embedded pipeline under sustained load: PutRecords (Node client) → kinesalite → stream runner →
// consumer handler → SQLite store, as `npm start` wires it, at a paced rate for a fixed time; then checks
// through the live API that every reading is there exactly once.
// Run: npx tsx tests/bench/pipeline.ts [seconds] [readings per second]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { encodeRecord } from '../../src/core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../src/core/session-key.ts';
import { SESSION_RATE_LIMIT } from '../../src/core/session-rate-limit.ts';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import { startLocalStack } from '../../infra/local/local-stack.ts';

export interface PipelineBenchOptions {
  seconds?: number;
  /** Offered load, readings per second. */
  rate?: number;
  sessions?: number;
  pollIntervalMs?: number;
}

export interface PipelineBench {
  seconds: number;
  offeredRate: number;
  sessions: number;
  pollIntervalMs: number;
  sent: number;
  /** Readings the producer got in per second over the run. */
  sentPerSecond: number;
  /** Readings stored per second, from the first put until the store held them all. */
  storedPerSecond: number;
  /** After the producer stopped, until the store held everything. */
  drainMs: number;
  /** Largest gap between put and stored seen at a one-second sample. */
  maxBacklog: number;
  /** Readings stored in each 10 s of the run: shows whether the pipeline slows as the stream and store grow. */
  storedPerTenSeconds: number[];
  storedDistinct: number;
  apiCount: number;
  lost: number;
  /** One probe reading every 500 ms under load: PutRecords sent → stored (what a long-poll viewer waits). */
  probeMs: { p50: number; p95: number; max: number; samples: number };
  cores: number;
  cpu: string;
  loadAverage: number;
}

export async function benchPipeline(options: PipelineBenchOptions = {}): Promise<PipelineBench> {
  const seconds = options.seconds ?? 60;
  const rate = options.rate ?? 5_000;
  // Enough broadcasts that none goes over its rate limit's burst (src/core/session-rate-limit.ts) in the run: the
  // figure measures the pipeline storing every reading, not refusing them.
  const sessionCount = options.sessions ?? Math.max(20, Math.ceil((seconds * rate) / (SESSION_RATE_LIMIT.burst / 2)));
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const root = await mkdtemp(join(tmpdir(), 'lhr-bench-pipeline-'));
  await writeFile(join(root, 'index.html'), '<!doctype html>');
  const stack = await startLocalStack({
    appPort: 0,
    kinesisPort: 0,
    streamName: 'bench',
    region: 'us-east-1',
    distDir: root,
    dataDir: join(root, 'data'),
    pollIntervalMs,
  });
  const client = createNodeKinesisClient(stack.kinesisEndpoint, 'us-east-1');
  const sessions = Array.from({ length: sessionCount }, (_, i) => {
    const key = createWriteKey((n) => Uint8Array.from({ length: n }, (_, j) => (i * 13 + j * 5 + 3) & 0xff));
    return { key, viewId: deriveViewId(key), partitionKey: derivePartitionKey(key), next: 0 };
  });
  const probeKey = createWriteKey((n) => new Uint8Array(n).fill(0xab));
  const probe = { key: probeKey, viewId: deriveViewId(probeKey), partitionKey: derivePartitionKey(probeKey), next: 0 };

  try {
    let sent = 0;
    let maxBacklog = 0;
    const storedSamples: number[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    const probeMs: number[] = [];

    const producing = (async () => {
      let turn = 0;
      const total = rate * seconds;
      for (;;) {
        const now = performance.now();
        const due = now >= deadline ? total : Math.min(total, Math.floor(((now - started) / 1000) * rate));
        if (sent >= total) break;
        while (sent < due) {
          const count = Math.min(500, due - sent);
          await putBatch(client, Array.from({ length: count }, () => {
            const s = sessions[turn++ % sessions.length] as (typeof sessions)[number];
            return { key: s.key, partitionKey: s.partitionKey, seq: s.next++ };
          }));
          sent += count;
        }
        await sleep(20);
      }
    })();

    const probing = (async () => {
      while (performance.now() < deadline) {
        await sleep(500);
        const cursor = String(probe.next);
        const before = performance.now();
        await putBatch(client, [{ key: probe.key, partitionKey: probe.partitionKey, seq: probe.next++ }]);
        if (await stack.liveStore.waitForReadings(probe.viewId, cursor, 10_000)) probeMs.push(performance.now() - before);
      }
    })();

    const sampling = (async () => {
      while (performance.now() < deadline) {
        await sleep(1000);
        const stored = stack.liveStore.countAllReadings() - probe.next;
        storedSamples.push(stored);
        maxBacklog = Math.max(maxBacklog, sent - stored);
      }
    })();

    await Promise.all([producing, probing, sampling]);
    const producerDone = performance.now();
    const expected = sent + probe.next;
    const drainDeadline = producerDone + 120_000;
    while (stack.liveStore.countAllReadings() < expected && performance.now() < drainDeadline) await sleep(10);
    const allStored = performance.now();
    // Let any straggler (a duplicate, which must not exist) land before counting.
    await sleep(500);

    const storedDistinct = stack.liveStore.countAllReadings() - probe.next;
    let apiCount = 0;
    for (const s of sessions) {
      const body = (await (await fetch(`${stack.apiUrl}/sessions/${s.viewId}`)).json()) as { count?: number };
      apiCount += body.count ?? 0;
    }
    const sorted = [...probeMs].sort((a, b) => a - b);
    const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
    return {
      seconds,
      offeredRate: rate,
      sessions: sessionCount,
      pollIntervalMs,
      sent,
      sentPerSecond: sent / ((producerDone - started) / 1000),
      storedPerSecond: storedDistinct / ((allStored - started) / 1000),
      drainMs: allStored - producerDone,
      maxBacklog,
      storedPerTenSeconds: storedSamples.filter((_, i) => i % 10 === 9).map((v, i, all) => v - (i === 0 ? 0 : (all[i - 1] ?? 0))),
      storedDistinct,
      apiCount,
      lost: sent - apiCount,
      probeMs: { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN, samples: sorted.length },
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverage: loadavg()[0] ?? 0,
    };
  } finally {
    client.destroy();
    await stack.stop();
    await rm(root, { recursive: true, force: true });
  }
}

async function putBatch(client: KinesisClient, readings: Array<{ key: string; partitionKey: string; seq: number }>): Promise<void> {
  let pending = readings.map(({ key, partitionKey, seq }) => ({
    Data: Buffer.from(encodeRecord({ v: 1, key, seq, t: Date.now(), bpm: 60 + (seq % 100), rr: [850 + (seq % 30), 845], contact: true })),
    PartitionKey: partitionKey,
  }));
  // As the app's uplink does: resend only the entries that failed.
  for (let attempt = 0; pending.length > 0; attempt++) {
    const out = await client.send(new PutRecordsCommand({ StreamName: 'bench', Records: pending }));
    if (!out.FailedRecordCount) return;
    pending = pending.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined);
    if (attempt > 20) throw new Error('PutRecords keeps failing');
    await sleep(50);
  }
}

export function formatPipelineBench(b: PipelineBench): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  return [
    `Embedded pipeline put → kinesalite → runner (poll ${b.pollIntervalMs} ms) → consumer → SQLite, ${b.seconds} s at ${n(b.offeredRate)} readings/s offered, ${b.sessions} sessions — ${b.cores} cores (${b.cpu})`,
    `  put ${n(b.sent)} readings (${n(b.sentPerSecond)}/s); stored ${n(b.storedPerSecond)}/s from first put to last stored; drained ${n(b.drainMs)} ms after the producer stopped; max backlog ${n(b.maxBacklog)}`,
    `  stored per 10 s: ${b.storedPerTenSeconds.map(n).join(', ')}`,
    `  store holds ${n(b.storedDistinct)}, live API counts ${n(b.apiCount)}: ${b.lost === 0 && b.storedDistinct === b.sent ? 'none lost, none doubled' : `MISMATCH (${b.lost} lost)`}`,
    `  probe put → stored under load: p50 ${b.probeMs.p50.toFixed(0)} ms, p95 ${b.probeMs.p95.toFixed(0)} ms, max ${b.probeMs.max.toFixed(0)} ms (${b.probeMs.samples} samples); load average ${b.loadAverage.toFixed(1)} at the end`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const seconds = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const rate = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  console.log(formatPipelineBench(await benchPipeline({ seconds, rate })));
}

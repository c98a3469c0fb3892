// A legitimate broadcaster while hostile writers flood the stream (issue 10): the embedded stack in this process
// (kinesalite, stream runner, consumer, SQLite, live API over real HTTP); one session putting a reading every
// 100 ms (ten times the 1 Hz of a sensor, to get enough samples in a short run) with PutRecord through the
// stream proxy on the app's origin, from 127.0.0.1 with the app's Origin, as the app does; a viewer
// long-polling the live API for its view id. Phase 1 is quiet; in phase 2 the writers of flood-writer.ts
// (another process) put batches of 500 as fast as they are answered: through the proxy from 127.0.0.2 with a
// forged Origin (`proxy`, the public write path, the default), or straight to the emulator's port (`direct`:
// the trusted side, a local process that could as well delete the data folder). Per reading: PutRecord sent →
// the viewer's long-poll answer holding it. Every reading must reach the viewer exactly once.
// Run: npx tsx tests/bench/flood.ts [readings per phase] [leveldb|memory] [writer loops] [proxy|direct]
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { PutRecordCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import type { ReadingsBody } from '../../src/core/live-api-types.ts';
import { encodeRecord } from '../../src/core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../src/core/session-key.ts';
import type { LocalStack } from '../../infra/local/local-stack.ts';
import { startBenchStack } from './bench-stack.ts';
import type { FloodKind, FloodReport } from './flood-writer.ts';
import { createProxyClient } from './proxy-client.ts';

export interface FloodBenchOptions {
  /** Readings the broadcaster sends in each phase. */
  readings?: number;
  intervalMs?: number;
  /** Concurrent hostile PutRecords loops. */
  writerLoops?: number;
  pollIntervalMs?: number;
  /**
   * Where the emulator keeps the stream: on disk in LevelDB as `npm start` runs it (the default), or in memory as
   * the tests and the other benchmarks run it.
   */
  emulatorStore?: EmulatorStore;
  /** Where the hostile writers write: through the stream proxy (the default) or to the emulator's own port. */
  attackerPath?: AttackerPath;
}

export type EmulatorStore = 'leveldb' | 'memory';
export type AttackerPath = 'proxy' | 'direct';

// The attacker's address: another client of the proxy (loopback routes all of 127.0.0.0/8 on Linux).
const ATTACKER_ADDRESS = '127.0.0.2';

export interface Percentiles {
  p50: number;
  p95: number;
  max: number;
}

export interface PhaseFigures {
  /** PutRecord sent → the viewer's long-poll answer holding the reading. */
  latencyMs: Percentiles;
  /** The broadcaster's PutRecord round trip alone. */
  putMs: Percentiles;
  seen: number;
  lost: number;
  doubled: number;
  /** Consumer drops by reason during the phase, from its log lines (only reasons that occurred). */
  dropped: Record<string, number>;
  /** Records the stream runner handed to the consumer, per second of the phase. */
  consumedPerSecond: number;
  /** GetRecords calls the stream runner got answered, per second of the phase. */
  pollsPerSecond: number;
  /** Records put (flood and broadcaster) but not yet handed to the consumer, largest seen at a 250 ms sample. */
  maxBacklog: number;
  /** Share of the phase the main event loop (emulator, runner, consumer, SQLite, API) was busy. */
  eventLoopUtilization: number;
  eventLoopDelayP99Ms: number;
  seconds: number;
}

export interface FloodBench {
  readings: number;
  intervalMs: number;
  writerLoops: number;
  pollIntervalMs: number;
  emulatorStore: EmulatorStore;
  attackerPath: AttackerPath;
  quiet: PhaseFigures;
  flood: PhaseFigures;
  floodAccepted: number;
  floodRefused: number;
  floodAcceptedPerSecond: number;
  floodRefusedPerSecond: number;
  /** Whole flood calls refused, by error name. */
  floodErrors: Record<string, number>;
  floodCallsPerSecond: number;
  floodKinds: Record<FloodKind, number>;
  /** p95(flood) / p95(quiet): the target is ≤ 2. */
  p95Ratio: number;
  storedReadings: number;
  cores: number;
  cpu: string;
  loadAverage: number;
}

const STREAM = 'flood';

export async function benchFlood(options: FloodBenchOptions = {}): Promise<FloodBench> {
  const readings = options.readings ?? 200;
  const intervalMs = options.intervalMs ?? 100;
  const writerLoops = options.writerLoops ?? 4;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const emulatorStore = options.emulatorStore ?? 'leveldb';
  const attackerPath = options.attackerPath ?? 'proxy';
  const drops = new DropTally();
  const bench = await startBenchStack('flood', { streamName: STREAM, streamOnDisk: emulatorStore === 'leveldb', pollIntervalMs, log: (line) => drops.read(line) });
  const { stack } = bench;
  // As the app writes: through the proxy on its own origin, from 127.0.0.1.
  const client = createProxyClient({ endpoint: `${stack.appUrl}/kinesis`, origin: stack.appUrl, localAddress: '127.0.0.1' });
  const key = createWriteKey();
  const broadcaster = { key, partitionKey: derivePartitionKey(key), viewId: deriveViewId(key) };
  const viewer = new Viewer(stack.apiUrl, broadcaster.viewId);
  const following = viewer.follow();
  let writers: FloodWriters | undefined;
  let broadcastPuts = 0;
  const backlogNow = (): number => (writers?.accepted ?? 0) + broadcastPuts - stack.consumerStats().records;

  try {
    const runPhase = async (firstSeq: number): Promise<PhaseFigures> => {
      const dropsBefore = drops.snapshot();
      const { records: consumedBefore, polls: pollsBefore } = stack.consumerStats();
      const loop = performance.eventLoopUtilization();
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      let maxBacklog = 0;
      let sending = true;
      const sampling = (async () => {
        while (sending) {
          maxBacklog = Math.max(maxBacklog, backlogNow());
          await sleep(250);
        }
      })();
      const started = performance.now();
      const puts = await broadcast(client, broadcaster, firstSeq, readings, intervalMs, () => broadcastPuts++);
      await viewer.seenAll(firstSeq + readings);
      const seconds = (performance.now() - started) / 1000;
      sending = false;
      await sampling;
      delay.disable();
      const latencies: number[] = [];
      for (let seq = firstSeq; seq < firstSeq + readings; seq++) {
        const seenAt = viewer.seenAt.get(seq);
        const put = puts[seq - firstSeq];
        if (seenAt !== undefined && put !== undefined) latencies.push(seenAt - put.sentAt);
      }
      return {
        latencyMs: percentiles(latencies),
        putMs: percentiles(puts.map((p) => p.doneAt - p.sentAt)),
        seen: latencies.length,
        lost: readings - latencies.length,
        doubled: viewer.doubled(firstSeq, firstSeq + readings),
        dropped: drops.since(dropsBefore),
        consumedPerSecond: (stack.consumerStats().records - consumedBefore) / seconds,
        pollsPerSecond: (stack.consumerStats().polls - pollsBefore) / seconds,
        maxBacklog,
        eventLoopUtilization: performance.eventLoopUtilization(loop).utilization,
        eventLoopDelayP99Ms: delay.percentile(99) / 1e6,
        seconds,
      };
    };

    const quiet = await runPhase(0);

    writers = startFloodWriters(stack, writerLoops, attackerPath);
    // The broadcaster starts once the flood is flowing, not after a guessed delay.
    await writers.firstAccepted;
    const flood = await runPhase(readings);
    const report = await writers.stop();

    return {
      readings,
      intervalMs,
      writerLoops,
      pollIntervalMs,
      emulatorStore,
      attackerPath,
      quiet,
      flood,
      floodAccepted: report.accepted,
      floodRefused: report.refused,
      floodAcceptedPerSecond: report.accepted / (report.elapsedMs / 1000),
      floodRefusedPerSecond: report.refused / (report.elapsedMs / 1000),
      floodErrors: report.errors,
      floodCallsPerSecond: report.batches / (report.elapsedMs / 1000),
      floodKinds: report.kinds,
      p95Ratio: flood.latencyMs.p95 / quiet.latencyMs.p95,
      storedReadings: stack.liveStore.countAllReadings(),
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAverage: loadavg()[0] ?? 0,
    };
  } finally {
    await writers?.stop().catch(() => undefined);
    viewer.stop();
    await following;
    client.destroy();
    await bench.stop();
  }
}

interface Put {
  sentAt: number;
  doneAt: number;
}

/** One reading every intervalMs, each PutRecord awaited as the app's uplink does; a failed put is sent again. */
async function broadcast(
  client: KinesisClient,
  session: { key: string; partitionKey: string },
  firstSeq: number,
  count: number,
  intervalMs: number,
  onPut: () => void,
): Promise<Put[]> {
  const puts: Put[] = [];
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + i * intervalMs;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const seq = firstSeq + i;
    const data = Buffer.from(encodeRecord({ v: 1, key: session.key, seq, t: Date.now(), bpm: 60 + (seq % 60), rr: [850, 845], contact: true }));
    const sentAt = performance.now();
    for (let attempt = 0; ; attempt++) {
      try {
        await client.send(new PutRecordCommand({ StreamName: STREAM, PartitionKey: session.partitionKey, Data: data }));
        break;
      } catch (error) {
        if (attempt >= 5) throw new Error(`PutRecord of reading ${seq} keeps failing`, { cause: error });
      }
    }
    puts.push({ sentAt, doneAt: performance.now() });
    onPut();
  }
  return puts;
}

/** A viewer page's follow loop, reduced: long-poll the readings after the cursor, note when each seq first arrives. */
class Viewer {
  readonly seenAt = new Map<number, number>();
  private readonly times = new Map<number, number>();
  private readonly stopping = new AbortController();
  private waiting: { upTo: number; resolve: () => void } | undefined;

  constructor(
    private readonly apiUrl: string,
    private readonly viewId: string,
  ) {}

  async follow(): Promise<void> {
    let after = '0';
    while (!this.stopping.signal.aborted) {
      let body: ReadingsBody;
      try {
        const response = await fetch(`${this.apiUrl}/sessions/${this.viewId}/readings?after=${after}&wait=25000`, { signal: this.stopping.signal });
        body = (await response.json()) as ReadingsBody;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        throw error;
      }
      const now = performance.now();
      for (const r of body.readings) {
        this.times.set(r.seq, (this.times.get(r.seq) ?? 0) + 1);
        if (!this.seenAt.has(r.seq)) this.seenAt.set(r.seq, now);
      }
      after = body.next;
      if (this.waiting !== undefined && this.countBelow(this.waiting.upTo) >= this.waiting.upTo) this.waiting.resolve();
    }
  }

  /** Resolves once every seq below upTo has arrived; rejects after 15 minutes, far past any backlog seen here. */
  seenAll(upTo: number): Promise<void> {
    if (this.countBelow(upTo) >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`viewer saw ${this.countBelow(upTo)} of ${upTo} readings after 15 minutes`)), 900_000);
      this.waiting = {
        upTo,
        resolve: () => {
          clearTimeout(timer);
          this.waiting = undefined;
          resolve();
        },
      };
    });
  }

  doubled(from: number, to: number): number {
    let n = 0;
    for (let seq = from; seq < to; seq++) n += Math.max(0, (this.times.get(seq) ?? 0) - 1);
    return n;
  }

  stop(): void {
    this.stopping.abort();
  }

  private countBelow(upTo: number): number {
    let n = 0;
    for (const seq of this.seenAt.keys()) if (seq < upTo) n++;
    return n;
  }
}

interface FloodWriters {
  /** Entries accepted so far, as the writers last reported. */
  readonly accepted: number;
  firstAccepted: Promise<void>;
  stop(): Promise<FloodReport>;
}

function startFloodWriters(stack: LocalStack, loops: number, path: AttackerPath): FloodWriters {
  // Through the proxy the attacker forges the app's Origin (a non-browser client can) from its own address.
  const target = path === 'proxy' ? [`${stack.appUrl}/kinesis`, STREAM, String(loops), stack.appUrl, ATTACKER_ADDRESS] : [stack.kinesisEndpoint, STREAM, String(loops)];
  const child: ChildProcess = fork(new URL('./flood-writer.ts', import.meta.url), target);
  let accepted = 0;
  let markFirst: () => void = () => {};
  const firstAccepted = new Promise<void>((resolve) => (markFirst = resolve));
  const report = new Promise<FloodReport>((resolve, reject) => {
    child.on('message', (message: { progress?: number; done?: FloodReport }) => {
      if (message.progress !== undefined) {
        accepted = message.progress;
        if (accepted > 0) markFirst();
      }
      if (message.done !== undefined) resolve(message.done);
    });
    child.on('exit', (code) => reject(new Error(`flood writer exited (${code}) without a report`)));
  });
  let stopped: Promise<FloodReport> | undefined;
  return {
    get accepted() {
      return accepted;
    },
    firstAccepted: Promise.race([firstAccepted, report.then(() => {})]),
    stop() {
      stopped ??= (child.send('stop'), report);
      return stopped;
    },
  };
}

/** Sums the consumer's drop counts from its log lines ("consumer batch dropped records {…, dropped: {reason: n}}"). */
class DropTally {
  private readonly totals = new Map<string, number>();

  read(line: string): void {
    const at = line.indexOf('{"records"');
    if (at === -1) return;
    const fields = JSON.parse(line.slice(at)) as { dropped?: Record<string, number> };
    for (const [reason, n] of Object.entries(fields.dropped ?? {})) this.totals.set(reason, (this.totals.get(reason) ?? 0) + n);
  }

  snapshot(): Map<string, number> {
    return new Map(this.totals);
  }

  since(before: Map<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [reason, n] of this.totals) if (n > (before.get(reason) ?? 0)) out[reason] = n - (before.get(reason) ?? 0);
    return out;
  }
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? Number.NaN };
}

export function formatFloodBench(b: FloodBench): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  const ms = (p: Percentiles): string => `p50 ${n(p.p50)} ms, p95 ${n(p.p95)} ms, max ${n(p.max)} ms`;
  const phase = (name: string, f: PhaseFigures): string[] => [
    `  ${name}: put → viewer ${ms(f.latencyMs)}; PutRecord alone ${ms(f.putMs)}`,
    `    seen ${f.seen} of ${b.readings}: ${f.lost === 0 && f.doubled === 0 ? 'none lost, none doubled' : `${f.lost} LOST, ${f.doubled} DOUBLED`}; ` +
      `consumer took ${n(f.consumedPerSecond)} records/s in ${f.pollsPerSecond.toFixed(1)} GetRecords/s, max backlog ${n(f.maxBacklog)}; ` +
      `event loop busy ${(f.eventLoopUtilization * 100).toFixed(0)} %, delay p99 ${n(f.eventLoopDelayP99Ms)} ms; ${f.seconds.toFixed(1)} s`,
    `    consumer drops: ${Object.keys(f.dropped).length === 0 ? 'none' : Object.entries(f.dropped).map(([reason, count]) => `${reason} ${n(count)}`).join(', ')}`,
  ];
  const kinds = Object.entries(b.floodKinds).map(([kind, count]) => `${kind} ${n(count)}`).join(', ');
  return [
    `Broadcaster under a flood: one reading every ${b.intervalMs} ms, ${b.readings} per phase, viewer long-polling the live API; ` +
      `emulator store ${b.emulatorStore}, stream poll ${b.pollIntervalMs} ms — ${b.cores} cores (${b.cpu})`,
    b.attackerPath === 'proxy'
      ? `  attacker: through the stream proxy from ${ATTACKER_ADDRESS} with a forged Origin (the public write path)`
      : '  attacker: straight to the emulator’s port (the trusted side: a local process, not the public write path)',
    ...phase('quiet', b.quiet),
    ...phase(`flood (${b.writerLoops} writer loops)`, b.flood),
    `  flood accepted by the stream: ${n(b.floodAccepted)} records, ${n(b.floodAcceptedPerSecond)}/s (${kinds}); ` +
      `refused ${n(b.floodRefused)}, ${n(b.floodRefusedPerSecond)}/s; ${n(b.floodCallsPerSecond)} calls/s` +
      (Object.keys(b.floodErrors).length === 0 ? '' : ` (refused calls: ${Object.entries(b.floodErrors).map(([name, count]) => `${name} ${n(count)}`).join(', ')})`),
    `  p95 flood / quiet: ${b.p95Ratio.toFixed(2)} (target ≤ 2: ${b.p95Ratio <= 2 ? 'met' : 'MISSED'}); store holds ${n(b.storedReadings)} readings; load average ${b.loadAverage.toFixed(1)} at the end`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const readings = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  const emulatorStore = process.argv[3] as EmulatorStore | undefined;
  const writerLoops = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
  const attackerPath = process.argv[5] as AttackerPath | undefined;
  console.log(formatFloodBench(await benchFlood({ readings, emulatorStore, writerLoops, attackerPath })));
}

// The scale benchmark (issue 13): 100 broadcasters at one reading a second and 2,000 viewers, 20 per session, half
// on the embedded event stream (push) and half long-polling the live API, against the embedded stack as
// `npm start` runs it (stream on disk, stream runner, consumer, SQLite, archive copier, app server with the live
// API and the stream proxy), in this process. The broadcasters (scale-broadcasters.ts) and each transport's
// viewers (scale-viewers.ts) are child processes, so this process's CPU and memory are the server's.
// Per transport: put → delivery percentiles, every reading to every viewer counted (missing, doubled), errors;
// the server's memory and CPU every 10 s. `LHR_SCALE_SECONDS` shortens the 10 minutes; `LHR_SCALE_PUSH=0` puts
// all viewers on long-poll (for a server without the event stream); `LHR_SCALE_STREAM=memory` keeps the stream in
// memory instead of on disk (to see what the disk's synchronous writes cost, BENCHMARKS.md).
// Run: npx tsx tests/bench/scale.ts   (or npm run bench -- scale)
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { createWriteKey, deriveViewId } from '../../src/core/session-key.ts';
import { startBenchStack } from './bench-stack.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { startProcessSampler, type ProcessSample } from './process-sampler.ts';
import type { BroadcastPlan, BroadcastReport, ToBroadcasters } from './scale-broadcasters.ts';
import type { Transport, ViewerErrors } from './scale-viewer.ts';
import type { FromViewers, ToViewers, ViewerPlan, ViewerReport } from './scale-viewers.ts';

export interface ScaleBenchOptions {
  /** How long the broadcasters send. Default 600 (the issue's ten minutes). */
  seconds?: number;
  broadcasters?: number;
  /** Split evenly between the two transports (or all on long-poll without push). */
  viewersPerSession?: number;
  /** Half the viewers on the event stream; false puts them all on long-poll. Default true. */
  push?: boolean;
  intervalMs?: number;
  /** After the broadcasters stop, how long the viewers may take to receive the last readings. */
  drainMs?: number;
  sampleEveryMs?: number;
  /** Where the emulator keeps the stream: on disk as `npm start` runs it (the default), or in memory. */
  stream?: StreamStore;
}

export type StreamStore = 'disk' | 'memory';

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface TransportFigures {
  transport: Transport;
  viewers: number;
  /** Put → first delivery of each reading to each viewer. */
  latencyMs: Percentiles;
  expected: number;
  received: number;
  missing: number;
  duplicates: number;
  unacknowledged: number;
  errors: ViewerErrors;
  gapFetches: number;
  /** Live API requests per second of the run (event streams not included). */
  requestsPerSecond: number;
  drainMs: number;
}

export interface ScaleBench {
  seconds: number;
  broadcasters: number;
  viewers: number;
  push: boolean;
  intervalMs: number;
  stream: StreamStore;
  transports: TransportFigures[];
  acknowledged: number;
  puts: number;
  putMs: Percentiles;
  /** A reading's wait in the broadcaster's outbox, from due to first sent. */
  outboxMs: Percentiles;
  putFailures: Record<string, number>;
  storedReadings: number;
  samples: ProcessSample[];
  /** Lines the stack logged during the run (only trouble is logged once it is up). */
  trouble: string[];
  cores: number;
  cpu: string;
  loadAtStart: number;
  loadAtEnd: number;
}

const STREAM = 'liveheartrate';

export function scaleOptionsFromEnv(env: NodeJS.ProcessEnv): ScaleBenchOptions {
  const seconds = env['LHR_SCALE_SECONDS'];
  const push = env['LHR_SCALE_PUSH'];
  const stream = env['LHR_SCALE_STREAM'];
  if (seconds !== undefined && !/^[1-9][0-9]*$/.test(seconds)) throw new Error(`LHR_SCALE_SECONDS must be a whole number of seconds, not "${seconds}"`);
  if (push !== undefined && push !== '0' && push !== '1') throw new Error(`LHR_SCALE_PUSH must be 0 or 1, not "${push}"`);
  if (stream !== undefined && stream !== 'disk' && stream !== 'memory') throw new Error(`LHR_SCALE_STREAM must be disk or memory, not "${stream}"`);
  return { seconds: seconds === undefined ? undefined : Number(seconds), push: push === undefined ? undefined : push === '1', stream };
}

export async function benchScale(options: ScaleBenchOptions = {}): Promise<ScaleBench> {
  const seconds = options.seconds ?? 600;
  const broadcasters = options.broadcasters ?? 100;
  const viewersPerSession = options.viewersPerSession ?? 20;
  const push = options.push ?? true;
  const intervalMs = options.intervalMs ?? 1000;
  const stream = options.stream ?? 'disk';
  if (!Number.isInteger(viewersPerSession / 2) || viewersPerSession <= 0) throw new Error(`viewersPerSession must be even (half on each transport), not ${viewersPerSession}`);
  const trouble: string[] = [];
  let up = false;
  const bench = await startBenchStack('scale', {
    streamName: STREAM,
    // As start.ts runs it: the stream on disk.
    streamOnDisk: stream === 'disk',
    log: (line) => {
      if (up) trouble.push(line);
    },
  });
  const { stack } = bench;
  up = true;
  const keys = Array.from({ length: broadcasters }, () => createWriteKey());
  const viewIds = keys.map(deriveViewId);
  // Two processes of viewers, one per transport (both long-poll without push), each following every session.
  const half = viewIds.flatMap((viewId) => Array<string>(viewersPerSession / 2).fill(viewId));
  const transports: Transport[] = push ? ['push', 'long-poll'] : ['long-poll', 'long-poll'];
  const viewers = transports.map((transport) => startViewers({ apiUrl: stack.apiUrl, transport, viewIds: half, drainMs: options.drainMs ?? 30_000 }));
  let sender: Broadcasters | undefined;
  try {
    await Promise.all(viewers.map((v) => v.ready));
    const loadAtStart = loadavg()[0] ?? 0;
    const sampler = startProcessSampler(options.sampleEveryMs ?? 10_000);
    sender = startBroadcasters({ endpoint: `${stack.appUrl}/kinesis`, origin: stack.appUrl, streamName: STREAM, keys, intervalMs });
    // The run is a fixed length; a viewer process that fails ends it early.
    await Promise.race([sleep(seconds * 1000), ...viewers.map((v) => v.failed)]);
    const sent = await sender.stop();
    const reports = await Promise.all(viewers.map((v) => v.finish(sent.acknowledged)));
    const samples = sampler.stop();
    const putMs = new LatencyHistogram();
    putMs.add(sent.putMs);
    const outboxMs = new LatencyHistogram();
    outboxMs.add(sent.outboxMs);
    return {
      seconds,
      broadcasters,
      viewers: broadcasters * viewersPerSession,
      push,
      intervalMs,
      stream,
      transports: mergeByTransport(reports, seconds),
      acknowledged: Object.values(sent.acknowledged).reduce((a, b) => a + b, 0),
      puts: sent.puts,
      putMs: percentilesOf(putMs),
      outboxMs: percentilesOf(outboxMs),
      putFailures: sent.failures,
      storedReadings: stack.liveStore.countAllReadings(),
      samples,
      trouble,
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      loadAtStart,
      loadAtEnd: loadavg()[0] ?? 0,
    };
  } finally {
    sender?.kill();
    for (const v of viewers) v.kill();
    await bench.stop();
  }
}

interface ViewerProcess {
  ready: Promise<void>;
  /** Rejects when the process reports a fatal condition or exits before its report. */
  failed: Promise<never>;
  finish(acknowledged: Record<string, number>): Promise<ViewerReport>;
  kill(): void;
}

function startViewers(plan: ViewerPlan): ViewerProcess {
  const child = fork(new URL('./scale-viewers.ts', import.meta.url));
  const send = (message: ToViewers): void => void child.send(message);
  let reported = false;
  const failed = new Promise<never>((_, reject) => {
    child.on('message', (message: FromViewers) => {
      if ('fatal' in message) reject(new Error(`${plan.transport} viewers: ${message.fatal}`));
    });
    child.on('exit', (code) => {
      if (!reported) reject(new Error(`${plan.transport} viewers exited (${code}) without a report`));
    });
  });
  failed.catch(() => {});
  const ready = new Promise<void>((resolve) => child.on('message', (message: FromViewers) => 'ready' in message && resolve()));
  const report = new Promise<ViewerReport>((resolve) =>
    child.on('message', (message: FromViewers) => {
      if (!('report' in message)) return;
      reported = true;
      resolve(message.report);
    }),
  );
  send({ plan });
  return {
    ready: Promise.race([ready, failed]),
    failed,
    finish(acknowledged) {
      send({ expect: acknowledged });
      return Promise.race([report, failed]);
    },
    kill: () => void (child.exitCode === null && child.signalCode === null && child.kill()),
  };
}

interface Broadcasters {
  stop(): Promise<BroadcastReport>;
  kill(): void;
}

function startBroadcasters(plan: BroadcastPlan): Broadcasters {
  const child = fork(new URL('./scale-broadcasters.ts', import.meta.url));
  const send = (message: ToBroadcasters): void => void child.send(message);
  const report = new Promise<BroadcastReport>((resolve, reject) => {
    child.on('message', (message: { report?: BroadcastReport }) => message.report !== undefined && resolve(message.report));
    child.on('exit', (code) => reject(new Error(`broadcasters exited (${code}) without a report`)));
  });
  report.catch(() => {});
  send({ plan });
  return {
    stop() {
      send('stop');
      return report;
    },
    kill: () => void (child.exitCode === null && child.signalCode === null && child.kill()),
  };
}

function mergeByTransport(reports: readonly ViewerReport[], seconds: number): TransportFigures[] {
  const order: Transport[] = ['push', 'long-poll'];
  return order.flatMap((transport) => {
    const mine = reports.filter((r) => r.transport === transport);
    if (mine.length === 0) return [];
    const latency = new LatencyHistogram();
    const errors: ViewerErrors = { httpStatus: {}, network: 0, droppedStreams: 0, reconnects: 0, malformedEvents: 0 };
    for (const r of mine) {
      latency.add(r.latency);
      for (const [status, n] of Object.entries(r.errors.httpStatus)) errors.httpStatus[status] = (errors.httpStatus[status] ?? 0) + n;
      errors.network += r.errors.network;
      errors.droppedStreams += r.errors.droppedStreams;
      errors.reconnects += r.errors.reconnects;
      errors.malformedEvents += r.errors.malformedEvents;
    }
    const sum = (pick: (r: ViewerReport) => number): number => mine.reduce((n, r) => n + pick(r), 0);
    const expected = sum((r) => r.expected);
    const received = sum((r) => r.received);
    return [
      {
        transport,
        viewers: sum((r) => r.viewers),
        latencyMs: percentilesOf(latency),
        expected,
        received,
        missing: expected - received,
        duplicates: sum((r) => r.duplicates),
        unacknowledged: sum((r) => r.unacknowledged),
        errors,
        gapFetches: sum((r) => r.gapFetches),
        requestsPerSecond: sum((r) => r.requests) / seconds,
        drainMs: Math.max(...mine.map((r) => r.drainMs)),
      },
    ];
  });
}

function percentilesOf(h: LatencyHistogram): Percentiles {
  return { p50: h.percentile(0.5), p95: h.percentile(0.95), p99: h.percentile(0.99), max: h.max() };
}

/** Means of the samples taken in [fromS, toS). */
function meanOver(samples: readonly ProcessSample[], fromS: number, toS: number): { rssMiB: number; heapUsedMiB: number; cpuPercent: number } {
  const inside = samples.filter((s) => s.atS >= fromS && s.atS < toS);
  const mean = (pick: (s: ProcessSample) => number): number => inside.reduce((n, s) => n + pick(s), 0) / inside.length;
  return { rssMiB: mean((s) => s.rssMiB), heapUsedMiB: mean((s) => s.heapUsedMiB), cpuPercent: mean((s) => s.cpuPercent) };
}

export function formatScaleBench(b: ScaleBench): string {
  const n = (value: number): string => Math.round(value).toLocaleString('en-US');
  const ms = (p: Percentiles): string => `p50 ${n(p.p50)} ms, p95 ${n(p.p95)} ms, p99 ${n(p.p99)} ms, max ${n(p.max)} ms`;
  const transportLines = b.transports.flatMap((t) => {
    const statuses = Object.entries(t.errors.httpStatus).map(([status, count]) => `HTTP ${status} × ${n(count)}`);
    const errors = [
      ...statuses,
      ...(t.errors.network > 0 ? [`${n(t.errors.network)} requests without an answer`] : []),
      ...(t.errors.droppedStreams > 0 ? [`${n(t.errors.droppedStreams)} streams dropped`] : []),
      ...(t.errors.reconnects > 0 ? [`${n(t.errors.reconnects)} reconnects`] : []),
      ...(t.errors.malformedEvents > 0 ? [`${n(t.errors.malformedEvents)} malformed events`] : []),
    ];
    const target = t.transport === 'push' ? `; target p95 ≤ 150 ms, p99 ≤ 250 ms: ${t.latencyMs.p95 <= 150 && t.latencyMs.p99 <= 250 ? 'met' : 'MISSED'}` : '';
    return [
      `  ${t.transport} (${n(t.viewers)} viewers): put → delivery ${ms(t.latencyMs)}${target}`,
      `    deliveries ${n(t.received)} of ${n(t.expected)} expected: ` +
        `${t.missing === 0 && t.duplicates === 0 ? 'none missing, none doubled' : `${n(t.missing)} MISSING, ${n(t.duplicates)} DOUBLED`}` +
        `${t.unacknowledged > 0 ? `, ${n(t.unacknowledged)} never acknowledged to the broadcaster` : ''}; ` +
        `errors: ${errors.length === 0 ? 'none' : errors.join(', ')}` +
        `${t.transport === 'push' ? `; gap fetches ${n(t.gapFetches)}` : ''}; ${n(t.requestsPerSecond)} live API requests/s; last readings in ${(t.drainMs / 1000).toFixed(1)} s after the broadcasters stopped`,
    ];
  });
  const end = b.samples.at(-1)?.atS ?? 0;
  const first = meanOver(b.samples, 0, Math.min(60, end) + 0.001);
  const last = meanOver(b.samples, Math.max(0, end - 60), end + 1);
  const minutes = Array.from({ length: Math.ceil(end / 60) }, (_, i) => {
    const m = meanOver(b.samples, i * 60, (i + 1) * 60 + (i + 1 === Math.ceil(end / 60) ? 1 : 0));
    return `${i + 1}: ${n(m.rssMiB)}/${n(m.heapUsedMiB)} MiB ${n(m.cpuPercent)} %`;
  });
  const failures = Object.entries(b.putFailures);
  return [
    `Scale: ${n(b.broadcasters)} broadcasters, one reading every ${b.intervalMs} ms each through the stream proxy; ` +
      `${n(b.viewers)} viewers (${b.push ? 'half push, half long-poll' : 'all long-poll'}); ${b.seconds} s; ` +
      `${b.stream === 'disk' ? 'stack as npm start (stream on disk, synchronous writes)' : 'stream in memory (not as npm start runs it)'} — ${b.cores} cores (${b.cpu})`,
    ...transportLines,
    `  broadcasters: ${n(b.acknowledged)} readings acknowledged in ${n(b.puts)} PutRecords (${(b.acknowledged / b.puts).toFixed(1)} a call), ` +
      `round trip ${ms(b.putMs)}; failed attempts ${failures.length === 0 ? 'none' : failures.map(([name, count]) => `${name} × ${n(count)}`).join(', ')}; the store holds ${n(b.storedReadings)}`,
    `  a reading's wait in the outbox before its put (not in the figures above): ${ms(b.outboxMs)}`,
    `  server process: CPU ${n(first.cpuPercent)} % of a core in the first minute, ${n(last.cpuPercent)} % in the last (max 10 s: ${n(Math.max(...b.samples.map((s) => s.cpuPercent)))} %); ` +
      `event loop busy ${n((b.samples.reduce((x, s) => x + s.eventLoopUtilization, 0) / b.samples.length) * 100)} % on average`,
    `  server memory, first minute → last minute: RSS ${n(first.rssMiB)} → ${n(last.rssMiB)} MiB, heap used ${n(first.heapUsedMiB)} → ${n(last.heapUsedMiB)} MiB`,
    `  per minute (RSS/heap, CPU): ${minutes.join('; ')}`,
    `  load average ${b.loadAtStart.toFixed(1)} at the start, ${b.loadAtEnd.toFixed(1)} at the end; ` +
      `stack log lines during the run: ${b.trouble.length === 0 ? 'none' : `${b.trouble.length}, first: ${b.trouble.slice(0, 3).join(' | ')}`}`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  console.log(formatScaleBench(await benchScale(scaleOptionsFromEnv(process.env))));
}

/**
 * `npm run bench`: every benchmark, one after another (they share two cores), printed with the machine.
 * Pass names to run some: `npm run bench -- chart backlog`. The browser benchmarks use the built app: the
 * npm script builds it first.
 */
import { cpus, totalmem } from 'node:os';
import { benchChart, formatChartBench } from './chart-bench.ts';
import { benchKinesisEmulator, formatKinesisEmulatorBench } from './kinesis-emulator.ts';
import { benchKinesisProxy, formatKinesisProxyBench } from './kinesis-proxy.ts';
import { benchBacklog, formatBacklogBench } from './backlog.ts';
import { benchConsumer, formatConsumerBench } from './consumer.ts';
import { benchPipeline, formatPipelineBench } from './pipeline.ts';
import { benchLatency, formatLatencyBench } from './latency.ts';
import { benchAlertLatency, formatAlertLatencyBench } from './alert-latency.ts';
import { benchFlood, formatFloodBench } from './flood.ts';
import { benchArchiveTransform, formatArchiveTransformBench } from './archive-transform.ts';
import { benchArchiveCopier, formatArchiveCopierBench } from './archive-copier.ts';
import { benchArchiveQuery, formatArchiveQueryBench } from './archive-query.ts';
import { benchHrv, formatHrvBench } from './hrv.ts';
import { benchHistory, formatHistoryBench } from './history-bench.ts';
import { benchGroupPage, formatGroupPageBench } from './group-page.ts';
import { benchScale, formatScaleBench, scaleOptionsFromEnv } from './scale.ts';
import { benchLanTls, formatLanTlsBench } from './lan-tls.ts';

interface Bench {
  name: string;
  run(): Promise<string>;
}

const benches: Bench[] = [
  { name: 'chart', run: async () => formatChartBench(await benchChart()) },
  { name: 'kinesis-emulator', run: async () => formatKinesisEmulatorBench(await benchKinesisEmulator()) },
  { name: 'kinesis-proxy', run: async () => formatKinesisProxyBench(await benchKinesisProxy()) },
  { name: 'backlog', run: async () => formatBacklogBench(await benchBacklog()) },
  { name: 'consumer', run: async () => formatConsumerBench(await benchConsumer()) },
  { name: 'archive-transform', run: () => Promise.resolve(formatArchiveTransformBench(benchArchiveTransform())) },
  { name: 'archive-copier', run: async () => formatArchiveCopierBench(await benchArchiveCopier()) },
  { name: 'archive-query', run: async () => formatArchiveQueryBench(await benchArchiveQuery()) },
  { name: 'hrv', run: () => Promise.resolve(formatHrvBench(benchHrv())) },
  // Offered above the 5,000/s target, so the stored rate measures the pipeline rather than the producer's pacing.
  { name: 'pipeline', run: async () => formatPipelineBench(await benchPipeline({ rate: 6_000 })) },
  { name: 'latency', run: async () => formatLatencyBench(await benchLatency()) },
  { name: 'alert-latency', run: async () => formatAlertLatencyBench(await benchAlertLatency()) },
  // The stack as `npm start` runs it (stream on disk); the in-memory emulator is starved far worse (BENCHMARKS.md).
  { name: 'flood', run: async () => formatFloodBench(await benchFlood()) },
  // The attacker on the emulator's own port instead: the trusted side, for comparison; 20 readings a phase, as
  // the delay there grows with how long the flood runs (BENCHMARKS.md).
  { name: 'flood-direct', run: async () => formatFloodBench(await benchFlood({ attackerPath: 'direct', readings: 20 })) },
  // The device's history on the browser's IndexedDB: an 8-hour session opened, 500 sessions listed.
  { name: 'history', run: async () => formatHistoryBench(await benchHistory()) },
  // The group page following 50 sessions at 1 reading/s for a minute, CPU from Chromium's own processes.
  { name: 'group-page', run: async () => formatGroupPageBench(await benchGroupPage()) },
  // 100 broadcasters and 2,000 viewers for 10 minutes (issue 13); LHR_SCALE_SECONDS shortens it, LHR_SCALE_PUSH=0
  // puts every viewer on long-poll.
  { name: 'scale', run: async () => formatScaleBench(await benchScale(scaleOptionsFromEnv(process.env))) },
  // The LAN mode's certificate work at start, and a request over its TLS against loopback HTTP (issue 15).
  { name: 'lan-tls', run: async () => formatLanTlsBench(await benchLanTls()) },
];

// The SDK's notice that its 2027 releases need Node 22 does not apply to the pinned versions.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
const wanted = process.argv.slice(2);
const chosen = wanted.length > 0 ? benches.filter((b) => wanted.includes(b.name)) : benches;
const cpu = cpus();
console.log(`machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
for (const bench of chosen) {
  console.log(`\n== ${bench.name}`);
  console.log(await bench.run());
}

// The broadcasters of the scale benchmark (tests/bench/scale.ts), run as a child process: phones are other
// machines, and their request signing would otherwise be charged to the server's event loop. Each one writes as
// the app does: a reading a second into its outbox, and a sender that puts everything waiting (up to 500) in one
// PutRecords as soon as the previous one is answered, sending a failed batch again until it is acknowledged
// (src/lib/uplink/flusher.ts); through the stream proxy on the app's origin with the Origin a browser sends, from
// its own loopback address as each phone has its own, so the proxy's per-client write limit applies as in use.
// The broadcasters are spread evenly over the second. A reading's `t` is the moment its batch is first sent (its
// put time), which the viewers subtract from the moment it reaches them (one wall clock, one machine); the wait in
// the outbox before that is reported here.
// Messages: { plan } starts them, 'stop' ends them once what is waiting is sent; this answers { report } and exits.
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { encodeRecord } from '../../src/core/record.ts';
import { derivePartitionKey, deriveViewId } from '../../src/core/session-key.ts';
import { LatencyHistogram, type HistogramEntries } from './latency-histogram.ts';
import { createProxyClient } from './proxy-client.ts';

export interface BroadcastPlan {
  /** The stream proxy: `<app>/kinesis`. */
  endpoint: string;
  /** The app's origin, sent as a browser sends it. */
  origin: string;
  streamName: string;
  /** One write key per broadcaster. */
  keys: string[];
  intervalMs: number;
}

export interface BroadcastReport {
  /** Readings acknowledged by the stream, per view id: seqs 0 … n−1. */
  acknowledged: Record<string, number>;
  /** PutRecords calls answered without error. */
  puts: number;
  /** Their round trips, ms. */
  putMs: HistogramEntries;
  /** Each reading's wait in the outbox: from when it was due to its first send, ms. */
  outboxMs: HistogramEntries;
  /** Failed attempts (sent again), by error name or per-record error code. */
  failures: Record<string, number>;
}

export type ToBroadcasters = { plan: BroadcastPlan } | 'stop';

// The most PutRecords takes at once (src/core/batching.ts has the app's fuller rule, by bytes too).
const MAX_BATCH = 500;
const RETRY_MS = 200;
// Once stopping, a batch is given up after this many attempts (and not counted as acknowledged).
const MAX_ATTEMPTS_WHEN_STOPPING = 5;

/** 127.0.1.1, 127.0.1.2, …: Linux routes all of 127.0.0.0/8 to loopback. */
function loopbackAddress(index: number): string {
  return `127.0.${1 + Math.floor(index / 254)}.${1 + (index % 254)}`;
}

interface Tallies {
  report: BroadcastReport;
  putMs: LatencyHistogram;
  outboxMs: LatencyHistogram;
}

class Broadcaster {
  private readonly dueAt: number[] = [];
  private sentUpTo = 0;
  private wake: () => void = () => {};
  private stopping = false;

  constructor(
    private readonly client: KinesisClient,
    private readonly plan: BroadcastPlan,
    private readonly key: string,
    private readonly tallies: Tallies,
  ) {}

  /** Makes readings from offsetMs on, one every interval, and sends them, until stop(); then sends the rest. */
  async run(offsetMs: number, stopped: Promise<void>): Promise<void> {
    void stopped.then(() => {
      this.stopping = true;
      this.wake();
    });
    const sending = this.send();
    const start = performance.now() + offsetMs;
    for (let seq = 0; !this.stopping; seq++) {
      const due = start + seq * this.plan.intervalMs;
      await Promise.race([sleep(Math.max(0, due - performance.now())), stopped]);
      if (this.stopping) break;
      this.dueAt.push(Date.now());
      this.wake();
    }
    await sending;
  }

  private async send(): Promise<void> {
    const partitionKey = derivePartitionKey(this.key);
    const viewId = deriveViewId(this.key);
    for (;;) {
      if (this.sentUpTo === this.dueAt.length) {
        if (this.stopping) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      const first = this.sentUpTo;
      const count = Math.min(MAX_BATCH, this.dueAt.length - first);
      const t = Date.now();
      const records = Array.from({ length: count }, (_, i) => {
        const seq = first + i;
        this.tallies.outboxMs.record(t - (this.dueAt[seq] ?? t));
        return { PartitionKey: partitionKey, Data: Buffer.from(encodeRecord({ v: 1, key: this.key, seq, t, bpm: 60 + (seq % 100), rr: [850], contact: true })) };
      });
      if (!(await this.put(records))) return;
      this.sentUpTo = first + count;
      this.tallies.report.acknowledged[viewId] = this.sentUpTo;
    }
  }

  /** Sends a batch until every record of it is in; false when given up while stopping. */
  private async put(records: Array<{ PartitionKey: string; Data: Buffer }>): Promise<boolean> {
    let waiting = records;
    for (let attempt = 1; ; attempt++) {
      const sent = performance.now();
      const outcome = await this.client.send(new PutRecordsCommand({ StreamName: this.plan.streamName, Records: waiting })).then(
        (out) => ({ refused: waiting.filter((_, i) => out.Records?.[i]?.ErrorCode !== undefined), codes: (out.Records ?? []).flatMap((r) => r.ErrorCode ?? []) }),
        (error: unknown) => ({ refused: waiting, codes: [error instanceof Error ? error.name : 'unknown'] }),
      );
      const { failures } = this.tallies.report;
      for (const code of outcome.codes) failures[code] = (failures[code] ?? 0) + 1;
      if (outcome.codes.length === 0 || outcome.refused.length < waiting.length) {
        this.tallies.report.puts++;
        this.tallies.putMs.record(performance.now() - sent);
      }
      if (outcome.refused.length === 0) return true;
      if (this.stopping && attempt >= MAX_ATTEMPTS_WHEN_STOPPING) return false;
      waiting = outcome.refused;
      await sleep(RETRY_MS);
    }
  }
}

async function run(plan: BroadcastPlan): Promise<void> {
  const stopped = new Promise<void>((resolve) =>
    process.on('message', (message: ToBroadcasters) => {
      if (message === 'stop') resolve();
    }),
  );
  const tallies: Tallies = { report: { acknowledged: {}, puts: 0, putMs: [], outboxMs: [], failures: {} }, putMs: new LatencyHistogram(), outboxMs: new LatencyHistogram() };
  // The app's own request timeout (src/lib/uplink/kinesis-sender.ts), past the proxy's 10 s, so a slow stream is
  // answered by the proxy (504) as it is for the app.
  const clients = plan.keys.map((_, i) =>
    createProxyClient({ endpoint: plan.endpoint, origin: plan.origin, localAddress: loopbackAddress(i), maxAttempts: 1, requestTimeoutMs: 15_000 }),
  );
  const spacing = plan.intervalMs / plan.keys.length;
  await Promise.all(plan.keys.map((key, i) => new Broadcaster(clients[i] as KinesisClient, plan, key, tallies).run(i * spacing, stopped)));
  for (const client of clients) client.destroy();
  const report: BroadcastReport = { ...tallies.report, putMs: tallies.putMs.entries(), outboxMs: tallies.outboxMs.entries() };
  await new Promise<void>((resolve) => process.send?.({ report }, () => resolve()) ?? resolve());
}

// Orphaned (the benchmark was killed before it could stop this process): nobody is left to report to.
process.once('disconnect', () => process.exit(0));
process.once('message', (message: ToBroadcasters) => {
  if (typeof message === 'object' && 'plan' in message) void run(message.plan).finally(() => process.disconnect());
});

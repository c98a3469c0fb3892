// The viewers of the scale benchmark (tests/bench/scale.ts), run as a child process: on another event loop than
// the embedded stack's, as viewers are other machines, so their parsing and bookkeeping are not charged to the
// server. One transport per process. Messages: the benchmark sends { plan }; this answers { ready } once every
// viewer follows; the benchmark sends { expect } (readings acknowledged per session) when the broadcasters
// stopped; this answers { report } once every viewer has them all or the drain time is up, and exits.
import { setMaxListeners } from 'node:events';
import { Agent } from 'node:http';
import { LatencyHistogram, type HistogramEntries } from './latency-histogram.ts';
import { Viewer, type Transport, type ViewerContext, type ViewerErrors } from './scale-viewer.ts';

export interface ViewerPlan {
  apiUrl: string;
  transport: Transport;
  /** One entry per viewer: the session it follows. */
  viewIds: string[];
  /** After the broadcasters stop, how long the viewers may take to receive the last readings. */
  drainMs: number;
}

export interface ViewerReport {
  transport: Transport;
  viewers: number;
  latency: HistogramEntries;
  /** Every acknowledged reading of its session, for each viewer. */
  expected: number;
  /** Of those, received (each once however often it came). */
  received: number;
  duplicates: number;
  /** Readings received that the broadcasters never had acknowledged (a put answered with an error that landed). */
  unacknowledged: number;
  errors: ViewerErrors;
  gapFetches: number;
  /** Live API requests made, event streams not included. */
  requests: number;
  /** From the expect message until every viewer had everything (or the drain time ran out). */
  drainMs: number;
}

export type ToViewers = { plan: ViewerPlan } | { expect: Record<string, number> };
export type FromViewers = { ready: true } | { report: ViewerReport } | { fatal: string };

const DRAIN_CHECK_MS = 100;

function send(message: FromViewers): Promise<void> {
  return new Promise((resolve) => process.send?.(message, () => resolve()) ?? resolve());
}

async function run(plan: ViewerPlan): Promise<void> {
  const stopping = new AbortController();
  // Every request and pause of every viewer listens to this one signal.
  setMaxListeners(0, stopping.signal);
  const ctx: ViewerContext = {
    apiUrl: plan.apiUrl,
    // A socket for every viewer, kept between requests as a browser keeps its connection.
    agent: new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: plan.viewIds.length + 16 }),
    signal: stopping.signal,
    errors: { httpStatus: {}, network: 0, droppedStreams: 0, reconnects: 0, malformedEvents: 0 },
    latency: new LatencyHistogram(),
    gapFetches: { count: 0 },
    requests: { count: 0 },
    fatal: (message) => {
      void send({ fatal: message });
      stopping.abort();
    },
  };
  const viewers = plan.viewIds.map((viewId) => new Viewer(viewId, ctx));
  const following = Promise.all(viewers.map((v) => v.follow(plan.transport)));
  await Promise.race([Promise.all(viewers.map((v) => v.ready)), following]);
  if (stopping.signal.aborted) return;
  await send({ ready: true });

  const expect = await new Promise<Record<string, number>>((resolve) =>
    process.on('message', (message: ToViewers) => {
      if ('expect' in message) resolve(message.expect);
    }),
  );
  const drainStarted = Date.now();
  const missing = (): number => viewers.reduce((n, v) => n + (expect[v.viewId] ?? 0) - v.tally.countBelow(expect[v.viewId] ?? 0), 0);
  while (missing() > 0 && Date.now() - drainStarted < plan.drainMs) await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
  const drainMs = Date.now() - drainStarted;
  stopping.abort();
  await following;
  ctx.agent.destroy();

  let expected = 0;
  let received = 0;
  let duplicates = 0;
  let unacknowledged = 0;
  for (const v of viewers) {
    const acknowledged = expect[v.viewId] ?? 0;
    expected += acknowledged;
    received += v.tally.countBelow(acknowledged);
    unacknowledged += v.tally.countFrom(acknowledged);
    duplicates += v.tally.duplicates;
  }
  await send({
    report: { transport: plan.transport, viewers: viewers.length, latency: ctx.latency.entries(), expected, received, duplicates, unacknowledged, errors: ctx.errors, gapFetches: ctx.gapFetches.count, requests: ctx.requests.count, drainMs },
  });
}

// Orphaned (the benchmark was killed before it could stop this process): nobody is left to report to.
process.once('disconnect', () => process.exit(0));
process.once('message', (message: ToViewers) => {
  if (!('plan' in message)) return;
  run(message.plan)
    .catch((error: unknown) => send({ fatal: error instanceof Error ? error.message : String(error) }))
    .finally(() => process.disconnect());
});

// Monte Carlo model of sensor → viewer latency in the AWS deployment (docs/architecture.md "Latency path";
// results in BENCHMARKS.md). Not a measurement: no AWS account is reachable here. Each stage's distribution
// is stated below; change one and rerun: npx tsx tests/infra/latency-model.ts
interface Config {
  enhancedFanOut: boolean;
  refreshMs: number;
  /** Edge TTL of an empty readings page: 0 since the live API sends no-store for it (1 s before). */
  emptyPageTtlMs: number;
  viewerPollMs: number;
  /**
   * The AWS push channel (functions/push/), no polling: 'durable' publishes a batch's readings once the bulk write is
   * acknowledged, while the store waits for the refresh (today); 'after-refresh' published only after that wait and
   * the watermark (before).
   */
  push?: 'durable' | 'after-refresh';
}

const uniform = (a: number, b: number): number => a + Math.random() * (b - a);

function oneReading(config: Config): number {
  const inStream = uniform(40, 150); // phone → PutRecords
  const delivered = config.enhancedFanOut
    ? inStream + uniform(40, 120) // push over HTTP/2
    : inStream + uniform(0, 1000) + uniform(20, 60); // poll once a second per idle shard, then invoke
  const bulkDone = delivered + uniform(5, 20) + uniform(10, 40); // mget sessions, bulk write (acknowledged: durable)
  if (config.push === 'durable') return pushed(bulkDone);
  const phase = Math.random() * config.refreshMs; // refresh=wait_for: until the index's next refresh
  const refreshed = Math.ceil((bulkDone - phase) / config.refreshMs) * config.refreshMs + phase;
  const visible = refreshed + uniform(10, 30); // session watermark raised
  if (config.push === 'after-refresh') return pushed(visible);
  // The viewer polls from a random phase; an empty answer may be served from the edge cache.
  let asked = -5000 + Math.random() * config.viewerPollMs;
  let cachedAt = -Infinity;
  let cachedHasReading = false;
  for (;;) {
    const oneWay = uniform(20, 60);
    const atEdge = asked + oneWay;
    let hasReading: boolean;
    let answeredAt: number;
    if (atEdge - cachedAt < config.emptyPageTtlMs) {
      hasReading = cachedHasReading;
      answeredAt = atEdge + oneWay;
    } else {
      const atOrigin = atEdge + uniform(15, 50);
      hasReading = atOrigin >= visible;
      cachedAt = atOrigin;
      cachedHasReading = hasReading;
      answeredAt = atOrigin + oneWay;
    }
    if (hasReading) return answeredAt;
    asked += Math.max(answeredAt - asked, config.viewerPollMs);
  }
}

/**
 * Assumed, not measured: a signed HTTP publish from the Lambda in the same region, AppSync's fan-out to the
 * subscriber's WebSocket, and the browser parsing the event and drawing it.
 */
function pushed(publishFrom: number): number {
  return publishFrom + uniform(15, 60) + uniform(30, 150) + uniform(5, 20);
}

function percentiles(config: Config, samples = 200_000): string {
  const latencies = Array.from({ length: samples }, () => oneReading(config)).sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * samples)] as number);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, p99 ${at(0.99)} ms`;
}

const base: Config = { enhancedFanOut: false, refreshMs: 1000, emptyPageTtlMs: 0, viewerPollMs: 1000 };
const variants: Array<[string, Config]> = [
  ['default', base],
  ['enhancedFanOut', { ...base, enhancedFanOut: true }],
  ['enhancedFanOut + viewer polls every 500 ms', { ...base, enhancedFanOut: true, viewerPollMs: 500 }],
  ['push (AppSync Events), published once durable', { ...base, push: 'durable' }],
  ['push, published once durable + enhancedFanOut', { ...base, push: 'durable', enhancedFanOut: true }],
  ['(before: push published after the refresh wait)', { ...base, push: 'after-refresh' }],
  ['(before: push published after the refresh wait) + enhancedFanOut', { ...base, push: 'after-refresh', enhancedFanOut: true }],
  ['(before) push + enhancedFanOut + refresh_interval 250 ms', { ...base, push: 'after-refresh', enhancedFanOut: true, refreshMs: 250 }],
  ['(before: empty pages cached 1 s at the edge)', { ...base, emptyPageTtlMs: 1000 }],
  ['(before: empty pages cached 1 s at the edge) + enhancedFanOut', { ...base, emptyPageTtlMs: 1000, enhancedFanOut: true }],
];
for (const [name, config] of variants) console.log(`${name.padEnd(64)} ${percentiles(config)}`);

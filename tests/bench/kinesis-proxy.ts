// Measures what the stream proxy on the app's origin (infra/local/kinesis-proxy.ts) adds to a PutRecords: the
// same calls straight to kinesalite and through the proxy on the real app server, interleaved so that both
// see the same machine load. Run: npx tsx tests/bench/kinesis-proxy.ts
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import { startKinesisEmulator } from '../../infra/local/kinesis-emulator.ts';
import { createKinesisProxyRoute, KINESIS_PROXY_PATH } from '../../infra/local/kinesis-proxy.ts';
import { startAppServer } from '../../infra/local/static-server.ts';
import { createEmbeddedConfig } from '../../infra/local/local-stack.ts';

const STREAM = 'bench';
const KEY = 'o3HxG0v2Qm9MZkq8TnW5bA';

interface Percentiles {
  p50: number;
  p95: number;
}

interface PathFigures {
  /** One single-record PutRecords, as a live reading is sent. */
  putMs: Percentiles;
  /** One PutRecords of `batchSize` records, as a backlog is sent. */
  batchMs: Percentiles;
}

export interface KinesisProxyBench {
  samples: number;
  batchSize: number;
  direct: PathFigures;
  proxied: PathFigures;
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95) };
}

/** About 150 bytes, like a full heart-rate packet's record (tests/bench/kinesis-emulator.ts). */
function records(count: number, from: number): Array<{ Data: Uint8Array; PartitionKey: string }> {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const line = JSON.stringify({ v: 1, key: KEY, seq, t: 1_764_350_000_000 + seq * 1000, bpm: 60 + (seq % 120), rr: [812, 806, 799, 815, 821, 809, 798, 803], contact: true });
    return { Data: Buffer.from(`${line}\n`), PartitionKey: 'bench' };
  });
}

async function timePut(client: KinesisClient, count: number, from: number): Promise<number> {
  const start = performance.now();
  const result = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: records(count, from) }));
  if (result.FailedRecordCount) throw new Error(`${result.FailedRecordCount} records failed`);
  return performance.now() - start;
}

export async function benchKinesisProxy(options: { samples?: number; batchSize?: number } = {}): Promise<KinesisProxyBench> {
  const samples = options.samples ?? 300;
  const batchSize = options.batchSize ?? 500;
  const root = await mkdtemp(join(tmpdir(), 'lhr-bench-proxy-'));
  await writeFile(join(root, 'index.html'), '<!doctype html>');
  const emulator = await startKinesisEmulator({ port: 0, streamName: STREAM });
  const app = await startAppServer({
    port: 0,
    distDir: root,
    config: createEmbeddedConfig('us-east-1', STREAM),
    routes: [createKinesisProxyRoute({ streamName: STREAM, upstream: emulator.endpoint })],
  });
  const direct = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
  const proxied = createNodeKinesisClient(`${app.url}${KINESIS_PROXY_PATH}`, 'us-east-1');
  // The Origin the page's browser adds.
  proxied.middlewareStack.add(
    (next) => (args) => {
      (args.request as { headers: Record<string, string> }).headers['origin'] = app.url;
      return next(args);
    },
    { step: 'finalizeRequest' },
  );
  const times = { directPut: [] as number[], proxiedPut: [] as number[], directBatch: [] as number[], proxiedBatch: [] as number[] };
  try {
    // Warm up connections and JIT on both paths.
    for (let i = 0; i < 20; i++) await Promise.all([timePut(direct, batchSize, 0), timePut(proxied, batchSize, 0)]);
    let seq = 0;
    for (let i = 0; i < samples; i++) {
      times.directPut.push(await timePut(direct, 1, seq++));
      times.proxiedPut.push(await timePut(proxied, 1, seq++));
    }
    for (let i = 0; i < samples / 5; i++) {
      times.directBatch.push(await timePut(direct, batchSize, seq));
      times.proxiedBatch.push(await timePut(proxied, batchSize, seq));
      seq += batchSize;
    }
    return {
      samples,
      batchSize,
      direct: { putMs: percentiles(times.directPut), batchMs: percentiles(times.directBatch) },
      proxied: { putMs: percentiles(times.proxiedPut), batchMs: percentiles(times.proxiedBatch) },
    };
  } finally {
    direct.destroy();
    proxied.destroy();
    await app.stop();
    await emulator.stop();
    await rm(root, { recursive: true, force: true });
  }
}

export function formatKinesisProxyBench(bench: KinesisProxyBench): string {
  const ms = (value: number): string => value.toFixed(1);
  const row = (name: string, figures: PathFigures): string =>
    `${name.padEnd(14)}${ms(figures.putMs.p50).padStart(9)}${ms(figures.putMs.p95).padStart(9)}${ms(figures.batchMs.p50).padStart(11)}${ms(figures.batchMs.p95).padStart(11)}`;
  return [
    `Stream proxy on the app's origin: ${bench.samples} single-record and ${bench.samples / 5} ${bench.batchSize}-record PutRecords per path, interleaved (ms)`,
    `${'path'.padEnd(14)}${'put p50'.padStart(9)}${'put p95'.padStart(9)}${'batch p50'.padStart(11)}${'batch p95'.padStart(11)}`,
    row('direct', bench.direct),
    row('through proxy', bench.proxied),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  console.log(formatKinesisProxyBench(await benchKinesisProxy()));
}

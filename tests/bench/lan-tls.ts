// What the LAN mode costs (infra/local/lan/): the certificate work at start (a first start makes the CA and the
// server certificate, a later one reuses them), and a request to the HTTPS server on the LAN address against the
// same request to the loopback HTTP server, with a new connection each time (a TLS handshake each) and on one
// kept-alive connection; interleaved so both see the same machine load. Run: npx tsx tests/bench/lan-tls.ts
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { prepareLanCertificates } from '../../infra/local/lan/lan-certificates.ts';
import { LAN_ADDRESS, startLanStack } from '../integration/local/lan-stack.ts';

interface Percentiles {
  p50: number;
  p95: number;
}

export interface LanTlsBench {
  starts: number;
  requests: number;
  firstStartMs: Percentiles;
  laterStartMs: Percentiles;
  newConnection: { http: Percentiles; https: Percentiles };
  keptAlive: { http: Percentiles; https: Percentiles };
}

function percentiles(samples: readonly number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { p50: at(0.5), p95: at(0.95) };
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

function drain(res: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    res.resume();
    res.once('end', resolve);
    res.once('error', reject);
  });
}

type Get = (agent: HttpAgent | HttpsAgent | false) => Promise<void>;

export async function benchLanTls(options: { starts?: number; requests?: number } = {}): Promise<LanTlsBench> {
  const starts = options.starts ?? 5;
  const requests = options.requests ?? 500;
  const root = await mkdtemp(join(tmpdir(), 'lhr-bench-lan-'));
  try {
    const names = { addresses: [LAN_ADDRESS], hostName: 'bench.local' };
    const first: number[] = [];
    const later: number[] = [];
    for (let index = 0; index < starts; index += 1) {
      const dataDir = join(root, `certs-${index}`);
      first.push(await timed(() => prepareLanCertificates({ dataDir, machineName: 'bench', names })));
      later.push(await timed(() => prepareLanCertificates({ dataDir, machineName: 'bench', names })));
    }

    await writeFile(join(root, 'index.html'), '<!doctype html>');
    const stack = await startLanStack({ distDir: root, dataDir: join(root, 'data') });
    try {
      const ca = await readFile(stack.lan.caCertPath ?? '', 'utf8');
      const loopback = new URL(stack.appUrl);
      const lan = new URL(stack.lan.appUrl);
      const getHttp: Get = (agent) =>
        new Promise((resolve, reject) => httpRequest({ host: loopback.hostname, port: loopback.port, path: '/config.json', agent }, (res) => void drain(res).then(resolve, reject)).on('error', reject).end());
      const getHttps: Get = (agent) =>
        new Promise((resolve, reject) => httpsRequest({ host: lan.hostname, port: lan.port, path: '/config.json', agent, ca }, (res) => void drain(res).then(resolve, reject)).on('error', reject).end());
      const newConnection = { http: [] as number[], https: [] as number[] };
      const keptAlive = { http: [] as number[], https: [] as number[] };
      const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
      const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 1, ca });
      for (let index = 0; index < requests; index += 1) {
        newConnection.http.push(await timed(() => getHttp(false)));
        newConnection.https.push(await timed(() => getHttps(false)));
        keptAlive.http.push(await timed(() => getHttp(httpAgent)));
        keptAlive.https.push(await timed(() => getHttps(httpsAgent)));
      }
      httpAgent.destroy();
      httpsAgent.destroy();
      return {
        starts,
        requests,
        firstStartMs: percentiles(first),
        laterStartMs: percentiles(later),
        newConnection: { http: percentiles(newConnection.http), https: percentiles(newConnection.https) },
        keptAlive: { http: percentiles(keptAlive.http), https: percentiles(keptAlive.https) },
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

export function formatLanTlsBench(bench: LanTlsBench): string {
  const ms = (value: number): string => value.toFixed(2).padStart(9);
  const row = (name: string, figures: Percentiles): string => `${name.padEnd(38)}${ms(figures.p50)}${ms(figures.p95)}`;
  return [
    `LAN mode: certificate work per start (${bench.starts} data folders) and GET /config.json, ${bench.requests} of each kind, interleaved (ms)`,
    `${''.padEnd(38)}${'p50'.padStart(9)}${'p95'.padStart(9)}`,
    row('first start: CA + server certificate', bench.firstStartMs),
    row('later start: both reused', bench.laterStartMs),
    row('new connection, loopback HTTP', bench.newConnection.http),
    row('new connection, LAN HTTPS', bench.newConnection.https),
    row('kept alive, loopback HTTP', bench.keptAlive.http),
    row('kept alive, LAN HTTPS', bench.keptAlive.https),
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  console.log(formatLanTlsBench(await benchLanTls()));
}

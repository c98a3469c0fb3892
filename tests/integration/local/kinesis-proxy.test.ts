// The stream proxy on the app's origin, mounted on the real app server in front of a real kinesalite, driven
// over real HTTP: by the SDK (signed requests, with the Origin a browser would add) and by hand.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  waitUntilStreamExists,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { startKinesisEmulator, type KinesisEmulator } from '../../../infra/local/kinesis-emulator.ts';
import { createKinesisProxyRoute } from '../../../infra/local/kinesis-proxy.ts';
import { classifyUplinkFailure } from '../../../src/core/uplink-rules.ts';
import { WRITE_LIMITS, type WriteLimits } from '../../../src/core/write-limit.ts';
import { startAppServer, type AppServer } from '../../../infra/local/static-server.ts';

const STREAM = 'proxied';
const OTHER_STREAM = 'other';
const AMZ_JSON = 'application/x-amz-json-1.1';
// What the browser SDK sends on PutRecords (tests/integration/local/kinesis-emulator.test.ts has the same list).
const SDK_REQUEST_HEADERS = 'amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,x-amz-user-agent';
const FAKE_AUTH = 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request by hand, so the test sets Origin (or leaves it out) exactly as it means to. `from` binds the
 * client's socket to another loopback address (Linux routes all of 127.0.0.0/8 to loopback): another client.
 */
function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer; from?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const target = { host: '127.0.0.1', port, path: options.path ?? '/kinesis/', method: options.method ?? 'POST', headers: options.headers, localAddress: options.from };
    const req = request(target, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function kinesisCall(target: string, input: unknown, origin: string): { headers: Record<string, string>; body: string } {
  return {
    headers: { origin, 'content-type': AMZ_JSON, 'x-amz-target': `Kinesis_20131202.${target}`, 'x-amz-date': '20260101T000000Z', authorization: FAKE_AUTH },
    body: JSON.stringify(input),
  };
}

/** An SDK client for the proxy that sends the Origin a page on `origin` would send. */
function clientFrom(origin: string | undefined, endpoint: string): KinesisClient {
  const client = createNodeKinesisClient(endpoint, 'us-east-1');
  if (origin !== undefined) {
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['origin'] = origin;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'browserOrigin' },
    );
  }
  return client;
}

async function readStream(client: KinesisClient, streamName: string): Promise<string[]> {
  const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
  const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
  return Records.map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

describe('kinesis proxy on the app server', () => {
  let root: string;
  let emulator: KinesisEmulator;
  let app: AppServer;
  let direct: KinesisClient;
  let ownOrigin: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-proxy-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    emulator = await startKinesisEmulator({ port: 0, streamName: STREAM });
    direct = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
    // A second stream the proxy must not write to, though the emulator would.
    await direct.send(new CreateStreamCommand({ StreamName: OTHER_STREAM, ShardCount: 1 }));
    await waitUntilStreamExists({ client: direct, minDelay: 0.02, maxDelay: 1, maxWaitTime: 10 }, { StreamName: OTHER_STREAM });
    app = await startAppServer({
      port: 0,
      distDir: root,
      config: { mode: 'embedded', region: 'us-east-1', kinesis: { streamName: STREAM, endpoint: '/kinesis' }, apiUrl: '/api' },
      routes: [createKinesisProxyRoute({ streamName: STREAM, upstream: emulator.endpoint })],
    });
    ownOrigin = app.url;
  });

  afterAll(async () => {
    direct?.destroy();
    await app?.stop();
    await emulator?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('forwards signed PutRecords and PutRecord from the app’s own origin to the stream', async () => {
    // Prepare
    const client = clientFrom(ownOrigin, `${app.url}/kinesis`);
    const fromLocalhost = clientFrom(`http://localhost:${app.port}`, `${app.url}/kinesis`);

    try {
      // Act
      const batch = await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: [{ Data: Buffer.from('batch\n'), PartitionKey: 'p' }] }));
      const single = await fromLocalhost.send(new PutRecordCommand({ StreamName: STREAM, Data: Buffer.from('single\n'), PartitionKey: 'p' }));

      // Assess
      expect(batch.FailedRecordCount).toBe(0);
      expect(single.SequenceNumber).toMatch(/^\d+$/);
      expect(await readStream(direct, STREAM)).toEqual(expect.arrayContaining(['batch\n', 'single\n']));
    } finally {
      client.destroy();
      fromLocalhost.destroy();
    }
  });

  it('refuses every other action from the app’s own origin, and the stream stays', async () => {
    // Prepare
    const client = clientFrom(ownOrigin, `${app.url}/kinesis`);
    const attempts = [
      () => client.send(new ListShardsCommand({ StreamName: STREAM })),
      () => client.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' })),
      () => client.send(new GetRecordsCommand({ ShardIterator: 'AAAAAAAAAAE=' })),
      () => client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM })),
      () => client.send(new DeleteStreamCommand({ StreamName: STREAM })),
    ];

    try {
      // Act
      const errors = await Promise.all(attempts.map((attempt) => attempt().then(() => undefined, (error: unknown) => error)));

      // Assess
      for (const error of errors) {
        expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      }
      const { StreamDescriptionSummary } = await direct.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
      expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    } finally {
      client.destroy();
    }
  });

  it('refuses a write to another stream, by name or by ARN', async () => {
    // Prepare
    const records = [{ Data: Buffer.from('x').toString('base64'), PartitionKey: 'p' }];
    const byName = kinesisCall('PutRecords', { StreamName: OTHER_STREAM, Records: records }, ownOrigin);
    const byArn = kinesisCall('PutRecords', { StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${OTHER_STREAM}`, Records: records }, ownOrigin);
    const bothDisagree = kinesisCall('PutRecords', { StreamName: STREAM, StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${OTHER_STREAM}`, Records: records }, ownOrigin);
    const neither = kinesisCall('PutRecords', { Records: records }, ownOrigin);

    // Act
    const answers = await Promise.all([byName, byArn, bothDisagree, neither].map((call) => send(app.port, call)));

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.body)).toEqual({ __type: 'AccessDeniedException', message: `only stream ${STREAM} may be written to` });
    }
    expect(await readStream(direct, OTHER_STREAM)).toEqual([]);
  });

  it('refuses a PutRecords from another origin, or from none, and lets it read nothing', async () => {
    // Prepare
    const records = [{ Data: Buffer.from('foreign\n').toString('base64'), PartitionKey: 'p' }];
    const origins = [`http://127.0.0.1:${app.port + 1}`, `http://localhost:${app.port + 1}`, 'https://example.com', 'null'];
    const calls = origins.map((origin) => kinesisCall('PutRecords', { StreamName: STREAM, Records: records }, origin));
    const { origin: _origin, ...withoutOrigin } = kinesisCall('PutRecords', { StreamName: STREAM, Records: records }, '').headers;

    // Act
    const answers = await Promise.all([...calls.map((call) => send(app.port, call)), send(app.port, { headers: withoutOrigin, body: calls[0]?.body })]);

    // Assess
    for (const answer of answers) {
      expect(answer.status).toBe(403);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
      expect(JSON.parse(answer.body)).toMatchObject({ __type: 'AccessDeniedException' });
    }
    expect(await readStream(direct, STREAM)).not.toContain('foreign\n');
  });

  it('answers a preflight from the app’s own origin only', async () => {
    // Prepare
    const preflight = (origin: string) => ({
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': SDK_REQUEST_HEADERS },
    });

    // Act
    const own = await send(app.port, preflight(`http://localhost:${app.port}`));
    const foreign = await send(app.port, preflight(`http://127.0.0.1:${app.port + 1}`));

    // Assess
    expect(own.status).toBe(204);
    expect(own.headers['access-control-allow-origin']).toBe(`http://localhost:${app.port}`);
    expect(own.headers['access-control-allow-headers']).toBe(SDK_REQUEST_HEADERS);
    expect(foreign.status).toBe(403);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    expect(foreign.headers['access-control-allow-methods']).toBeUndefined();
  });

  it('refuses other methods, other paths, other bodies and a body over the cap with a clear error', async () => {
    // Prepare
    const put = kinesisCall('PutRecords', { StreamName: STREAM, Records: [] }, ownOrigin);
    const oversize = Buffer.alloc(5 * 1024 * 1024 + 1, 0x20);

    // Act
    const get = await send(app.port, { method: 'GET', headers: { origin: ownOrigin } });
    const otherPath = await send(app.port, { ...put, path: '/kinesis/../api/x' });
    const cbor = await send(app.port, { ...put, headers: { ...put.headers, 'content-type': 'application/x-amz-cbor-1.1' } });
    const notJson = await send(app.port, { ...put, body: '{"StreamName":' });
    const tooLarge = await send(app.port, { ...put, body: oversize });

    // Assess
    expect([get.status, JSON.parse(get.body)]).toEqual([405, { __type: 'MethodNotAllowed', message: 'only POST is proxied' }]);
    expect(otherPath.status).toBe(404);
    expect([cbor.status, JSON.parse(cbor.body)]).toEqual([400, { __type: 'SerializationException', message: `the body must be ${AMZ_JSON}` }]);
    expect([notJson.status, JSON.parse(notJson.body)]).toEqual([400, { __type: 'SerializationException', message: 'the body is not JSON' }]);
    expect([tooLarge.status, JSON.parse(tooLarge.body)]).toEqual([413, { __type: 'PayloadTooLarge', message: `the body is over ${5 * 1024 * 1024} bytes` }]);
  });
});

describe('kinesis proxy in front of other upstreams', () => {
  let servers: Server[];

  beforeAll(() => {
    servers = [];
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function proxyTo(upstream: string, timeoutMs?: number): Promise<{ port: number; origin: string }> {
    const route = createKinesisProxyRoute({ streamName: STREAM, upstream, timeoutMs });
    const server = createServer((req, res) => void route.handle(req, res));
    servers.push(server);
    const port = await listen(server);
    return { port, origin: `http://127.0.0.1:${port}` };
  }

  it('sends the signed request on unchanged but for the browser’s headers, and streams the answer back', async () => {
    // Prepare: an upstream that records what reached it
    const seen: Array<{ url: string | undefined; headers: IncomingHttpHeaders; body: string }> = [];
    const upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        seen.push({ url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'Content-Type': AMZ_JSON, 'Access-Control-Allow-Origin': '*' }).end('{"FailedRecordCount":0,"Records":[]}');
      });
    });
    servers.push(upstream);
    const upstreamPort = await listen(upstream);
    const { port, origin } = await proxyTo(`http://127.0.0.1:${upstreamPort}`);
    const call = kinesisCall('PutRecords', { StreamName: STREAM, Records: [] }, origin);

    // Act
    const answer = await send(port, { headers: { ...call.headers, referer: `${origin}/`, cookie: 'a=b' }, body: call.body });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body).toBe('{"FailedRecordCount":0,"Records":[]}');
    expect(answer.headers['access-control-allow-origin']).toBe(origin);
    const [received] = seen;
    expect(received?.url).toBe('/kinesis/');
    expect(received?.body).toBe(call.body);
    expect(received?.headers).toMatchObject({
      host: `127.0.0.1:${port}`,
      authorization: FAKE_AUTH,
      'x-amz-target': 'Kinesis_20131202.PutRecords',
      'x-amz-date': '20260101T000000Z',
      'content-type': AMZ_JSON,
      'content-length': String(Buffer.byteLength(call.body)),
    });
    expect(received?.headers).not.toHaveProperty('origin');
    expect(received?.headers).not.toHaveProperty('referer');
    expect(received?.headers).not.toHaveProperty('cookie');
  });

  it('answers 502 when the stream cannot be reached, and 504 when it does not answer in time', async () => {
    // Prepare: a port nothing listens on, and an upstream that never answers
    const closed = createServer();
    const closedPort = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const silent = createServer(() => {});
    servers.push(silent);
    const silentPort = await listen(silent);
    const down = await proxyTo(`http://127.0.0.1:${closedPort}`);
    const slow = await proxyTo(`http://127.0.0.1:${silentPort}`, 1_000);

    // Act
    const unreachable = await send(down.port, kinesisCall('PutRecords', { StreamName: STREAM, Records: [] }, down.origin));
    const timedOut = await send(slow.port, kinesisCall('PutRecords', { StreamName: STREAM, Records: [] }, slow.origin));

    // Assess
    expect(unreachable.status).toBe(502);
    expect(JSON.parse(unreachable.body)).toMatchObject({ __type: 'BadGateway' });
    expect(timedOut.status).toBe(504);
    expect(JSON.parse(timedOut.body)).toEqual({ __type: 'GatewayTimeout', message: 'the stream did not answer in time' });
  });
});

describe('kinesis proxy write limit', () => {
  // Small numbers, so a test reaches them in a few requests: 3 records at once, 1 more per second, per client.
  const LIMITS: WriteLimits = {
    ...WRITE_LIMITS,
    client: { records: { perSecond: 1, burst: 3 }, bytes: WRITE_LIMITS.client.bytes },
    share: { records: { perSecond: 1, burst: 1 }, bytes: WRITE_LIMITS.share.bytes },
  };
  let servers: Server[];

  beforeAll(() => {
    servers = [];
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  /** The proxy on a manual clock, in front of an upstream that counts what reaches it; notes each client's address. */
  async function limitedProxy(limits: WriteLimits): Promise<{ port: number; origin: string; upstreamCalls: () => number; seenFrom: Set<string>; advance(ms: number): void }> {
    let calls = 0;
    const upstream = createServer((req, res) => {
      calls++;
      req.resume();
      req.on('end', () => res.writeHead(200, { 'Content-Type': AMZ_JSON }).end('{"FailedRecordCount":0,"Records":[]}'));
    });
    servers.push(upstream);
    const upstreamPort = await listen(upstream);
    let now = 0;
    // A proxy timeout short enough that a request whose body the proxy waited for fails the test quickly.
    const route = createKinesisProxyRoute({ streamName: STREAM, upstream: `http://127.0.0.1:${upstreamPort}`, writeLimits: limits, now: () => now, timeoutMs: 2_000 });
    const seenFrom = new Set<string>();
    const server = createServer((req, res) => {
      seenFrom.add(req.socket.remoteAddress ?? '');
      void route.handle(req, res);
    });
    servers.push(server);
    const port = await listen(server);
    return { port, origin: `http://127.0.0.1:${port}`, upstreamCalls: () => calls, seenFrom, advance: (ms) => (now += ms) };
  }

  const putOne = (origin: string) => kinesisCall('PutRecords', { StreamName: STREAM, Records: [{ Data: 'eA==', PartitionKey: 'p' }] }, origin);

  it('throttles a client over its limit as Kinesis does, keeps serving another address, and forwards nothing it refused', async () => {
    // Prepare
    const proxy = await limitedProxy(LIMITS);
    const call = putOne(proxy.origin);

    // Act: four writes from 127.0.0.1 (one over its burst of 3), then one from 127.0.0.2
    const first = [];
    for (let i = 0; i < 4; i++) first.push(await send(proxy.port, call));
    const other = await send(proxy.port, { ...call, from: '127.0.0.2' });

    // Assess
    expect(first.map((answer) => answer.status)).toEqual([200, 200, 200, 400]);
    const throttled = first[3] as Answer;
    expect(JSON.parse(throttled.body)).toMatchObject({ __type: 'ProvisionedThroughputExceededException' });
    expect(throttled.headers['x-amzn-errortype']).toBe('ProvisionedThroughputExceededException');
    // The page on the app's other loopback name must read it, to back off rather than call it a network error.
    expect(throttled.headers['access-control-allow-origin']).toBe(proxy.origin);
    expect(other.status).toBe(200);
    expect(proxy.seenFrom).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
    expect(proxy.upstreamCalls()).toBe(4);
  });

  it('is named a throttling error by the SDK, which the app’s uplink retries with backoff', async () => {
    // Prepare: a client that has spent its burst
    const proxy = await limitedProxy(LIMITS);
    for (let i = 0; i < 3; i++) await send(proxy.port, putOne(proxy.origin));
    const client = clientFrom(proxy.origin, `http://127.0.0.1:${proxy.port}/kinesis`);

    try {
      // Act
      const error = await client
        .send(new PutRecordsCommand({ StreamName: STREAM, Records: [{ Data: Buffer.from('x'), PartitionKey: 'p' }] }), { requestTimeout: 5_000 })
        .then(() => undefined, (failure: unknown) => failure as { name: string; $metadata: { httpStatusCode?: number } });

      // Assess
      expect(error).toMatchObject({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } });
      expect(classifyUplinkFailure({ name: error?.name, httpStatus: error?.$metadata.httpStatusCode })).toBe('throttled');
      expect(proxy.upstreamCalls()).toBe(3);
    } finally {
      client.destroy();
    }
  });

  it('answers an empty bucket before the body arrives', async () => {
    // Prepare: a client that has spent its burst
    const proxy = await limitedProxy(LIMITS);
    for (let i = 0; i < 3; i++) await send(proxy.port, putOne(proxy.origin));
    const { headers } = putOne(proxy.origin);

    // Act: headers that announce a body which never comes; waiting for it would end in a 408 after 2 s
    const answer = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: proxy.port, path: '/kinesis/', method: 'POST', headers: { ...headers, 'content-length': '100000' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.flushHeaders();
    });

    // Assess
    expect(answer).toBe(400);
    expect(proxy.upstreamCalls()).toBe(3);
  });

  it('serves the client again once its bucket has refilled', async () => {
    // Prepare
    const proxy = await limitedProxy(LIMITS);
    const call = putOne(proxy.origin);
    for (let i = 0; i < 3; i++) await send(proxy.port, call);
    const refused = await send(proxy.port, call);

    // Act: one record's worth of time at 1 record/s
    proxy.advance(1_000);
    const refilled = await send(proxy.port, call);
    const again = await send(proxy.port, call);

    // Assess
    expect([refused.status, refilled.status, again.status]).toEqual([400, 200, 400]);
    expect(proxy.upstreamCalls()).toBe(4);
  });

  it('holds every address together to the stream’s rate', async () => {
    // Prepare: a stream that takes 4 records a second, the reserve a quarter of it
    const proxy = await limitedProxy({ ...LIMITS, perShard: { records: { perSecond: 4, burst: 4 }, bytes: WRITE_LIMITS.perShard.bytes } });
    const call = putOne(proxy.origin);

    // Act: three addresses, two writes each, each within its own limit
    const answers: number[] = [];
    for (const from of ['127.0.0.1', '127.0.0.2', '127.0.0.3']) for (let i = 0; i < 2; i++) answers.push((await send(proxy.port, { ...call, from })).status);

    // Assess: the first address's share, then its burst down to the reserve (1 record); the second's share; its
    // burst may not take the reserve, the third's share may; then the stream's burst is spent
    expect(answers).toEqual([200, 200, 200, 400, 200, 400]);
    expect(proxy.upstreamCalls()).toBe(4);
  });

  it('tracks no more addresses than its cap', async () => {
    // Prepare: room for one address; 127.0.0.1 spends its burst
    const proxy = await limitedProxy({ ...LIMITS, maxClients: 1 });
    const call = putOne(proxy.origin);
    for (let i = 0; i < 3; i++) await send(proxy.port, call);
    const spent = await send(proxy.port, call);

    // Act: another address takes the one place, so 127.0.0.1 is forgotten and starts again
    const other = await send(proxy.port, { ...call, from: '127.0.0.2' });
    const forgotten = await send(proxy.port, call);

    // Assess
    expect([spent.status, other.status, forgotten.status]).toEqual([400, 200, 200]);
  });
});

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

/** One request by hand, so the test sets Origin (or leaves it out) exactly as it means to. */
function send(port: number, options: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: options.path ?? '/kinesis/', method: options.method ?? 'POST', headers: options.headers }, (res) => {
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

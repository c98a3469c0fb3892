import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRecordsCommand, GetShardIteratorCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { LocalStackStartError, startLocalStack, type LocalStack } from '../../../infra/local/local-stack.ts';
import { PortInUseError } from '../../../infra/local/server-lifecycle.ts';
import { createTestBroadcast } from '../../e2e/support/stream-writer.ts';
import { openEventStream } from './event-stream-client.ts';

async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

describe('local stack', () => {
  let root: string;
  let stack: LocalStack;
  const lines: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-stack-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: 'stack-test',
      region: 'eu-west-1',
      distDir: root,
      dataDir: join(root, 'data'),
      log: (line) => lines.push(line),
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('prints one line per component', () => {
    expect(lines).toEqual([
      `stream   kinesalite on ${stack.kinesisEndpoint} (stream stack-test)`,
      `store    SQLite ${join(root, 'data', 'live.db')} (0 readings)`,
      'consumer stream runner → Lambda handler, 1 shard polled every 50 ms, from the oldest record',
      `archive  stream runner → archive transform → ${join(root, 'data', 'archive')} (parquet), flushed every 60 s or 1 MiB`,
      `api      Lambda handler on ${stack.appUrl}/api/sessions/{viewId}[/readings]`,
      `app      ${stack.appUrl}  ← open this`,
    ]);
  });

  it('creates the data folder', async () => {
    expect((await stat(join(root, 'data'))).isDirectory()).toBe(true);
  });

  it('serves a config.json that points the app at the stream proxy on its own origin', async () => {
    const config = (await (await fetch(`${stack.appUrl}/config.json`)).json()) as RuntimeConfig;
    expect(config).toEqual({
      mode: 'embedded',
      region: 'eu-west-1',
      kinesis: { streamName: 'stack-test', endpoint: '/kinesis' },
      apiUrl: '/api',
      push: { kind: 'sse', url: '/api/events' },
    });
  });

  it('lets the app connect to its own origin only', async () => {
    const csp = (await fetch(`${stack.appUrl}/`)).headers.get('content-security-policy') ?? '';
    expect(csp.split('; ').find((directive) => directive.startsWith('connect-src '))).toBe("connect-src 'self'");
  });

  it('has a stream the config points at that accepts records from the app, and returns them to Node clients', async () => {
    const config = (await (await fetch(`${stack.appUrl}/config.json`)).json()) as RuntimeConfig;
    const client = createNodeKinesisClient(new URL(config.kinesis.endpoint ?? '', stack.appUrl).href, config.region);
    // What the browser adds to the page's request.
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['origin'] = stack.appUrl;
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    try {
      await client.send(
        new PutRecordsCommand({
          StreamName: config.kinesis.streamName,
          Records: [{ Data: Buffer.from('{"v":1,"bpm":72}\n'), PartitionKey: 'view' }],
        }),
      );
    } finally {
      client.destroy();
    }
    const direct = createNodeKinesisClient(stack.kinesisEndpoint, config.region);
    try {
      const { ShardIterator } = await direct.send(
        new GetShardIteratorCommand({
          StreamName: config.kinesis.streamName,
          ShardId: 'shardId-000000000000',
          ShardIteratorType: 'TRIM_HORIZON',
        }),
      );
      const { Records = [] } = await direct.send(new GetRecordsCommand({ ShardIterator }));
      expect(Records.map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString())).toEqual(['{"v":1,"bpm":72}\n']);
    } finally {
      direct.destroy();
    }
  });

  it('pushes readings put on the stream to a viewer on the event stream at /api/events', async () => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint, 'stack-test');
    const reader = await openEventStream(Number(new URL(stack.appUrl).port), `view=${broadcast.viewId}`);

    // Act
    await expect.poll(() => reader.events.length).toBe(1);
    await broadcast.send(70, 71, 72);

    // Assess
    await expect.poll(() => reader.events.flatMap((e) => (e.type === 'readings' ? e.readings.map((r) => r.bpm) : []))).toEqual([70, 71, 72]);
    expect(reader.events[0]).toMatchObject({ type: 'session', viewId: broadcast.viewId, session: { status: 'unknown' } });
    reader.close();
  });
});

describe('local stack start-up failure', () => {
  it('names the component, and stops the stream when the app port is taken', async () => {
    const root = await mkdtemp(join(tmpdir(), 'lhr-stack-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const takenPort = typeof address === 'object' && address ? address.port : 0;
    const lines: string[] = [];
    try {
      const error: unknown = await startLocalStack({
        appPort: takenPort,
        kinesisPort: 0,
        streamName: 's',
        region: 'us-east-1',
        distDir: root,
        dataDir: join(root, 'data'),
        log: (line) => lines.push(line),
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(LocalStackStartError);
      expect((error as LocalStackStartError).component).toBe('app');
      expect((error as LocalStackStartError).cause).toBeInstanceOf(PortInUseError);
      const streamPort = Number(/:(\d+) \(stream/.exec(lines[0] ?? '')?.[1]);
      expect(streamPort).toBeGreaterThan(0);
      expect(await canBind(streamPort)).toBe(true);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await rm(root, { recursive: true, force: true });
    }
  });
});

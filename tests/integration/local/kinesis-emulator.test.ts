import { createRequire } from 'node:module';
import { connect } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListShardsCommand,
  PutRecordsCommand,
  type KinesisClient,
} from '@aws-sdk/client-kinesis';
import { startKinesisEmulator, type KinesisEmulator } from '../../../infra/local/kinesis-emulator.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { PortInUseError } from '../../../infra/local/server-lifecycle.ts';

const STREAM = 'test-stream';

// Function-typed properties, not methods: they are taken off the prototype and called with its `this`.
interface LevelDownPrototype {
  _put: (this: unknown, key: unknown, value: unknown, options: Record<string, unknown>, callback: unknown) => void;
  _batch: (this: unknown, operations: unknown, options: Record<string, unknown>, callback: unknown) => void;
}

/**
 * Records the options of every write that reaches kinesalite's real leveldown (the native binding's last
 * JavaScript stop), then lets the write through.
 */
function recordLevelDownWrites(): { options: Array<{ call: string; sync: unknown }>; restore(): void } {
  const requireFromKinesalite = createRequire(createRequire(import.meta.url).resolve('kinesalite'));
  const prototype = (requireFromKinesalite('leveldown') as { prototype: LevelDownPrototype }).prototype;
  const { _put: put, _batch: batch } = prototype;
  const options: Array<{ call: string; sync: unknown }> = [];
  prototype._put = function (key, value, writeOptions, callback) {
    options.push({ call: '_put', sync: writeOptions['sync'] });
    put.call(this, key, value, writeOptions, callback);
  };
  prototype._batch = function (operations, writeOptions, callback) {
    options.push({ call: '_batch', sync: writeOptions['sync'] });
    batch.call(this, operations, writeOptions, callback);
  };
  return {
    options,
    restore: () => Object.assign(prototype, { _put: put, _batch: batch }),
  };
}
// Headers the browser build of the AWS SDK sends with PutRecords (with temporary credentials).
const SDK_REQUEST_HEADERS =
  'amz-sdk-invocation-id,amz-sdk-request,authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-security-token,x-amz-target,x-amz-user-agent';
// kinesalite checks that a request looks signed, not the signature.
const FAKE_AUTH = 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0';

async function readAll(client: KinesisClient, shardId: string): Promise<string[]> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand({ StreamName: STREAM, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
  );
  const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator }));
  return Records.map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString('utf8'));
}

describe('kinesis emulator', () => {
  let emulator: KinesisEmulator;
  let client: KinesisClient;

  beforeAll(async () => {
    emulator = await startKinesisEmulator({ port: 0, streamName: STREAM, createStreamMs: 200 });
    client = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
  });

  afterAll(async () => {
    client?.destroy();
    await emulator?.stop();
  });

  it('binds loopback on the port it reports, with the stream already ACTIVE', async () => {
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.port}`);
    expect(emulator.port).toBeGreaterThan(0);
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
    expect(StreamDescriptionSummary?.OpenShardCount).toBe(1);
  });

  it('reads back with GetRecords what PutRecords wrote, in order', async () => {
    const lines = Array.from({ length: 20 }, (_, seq) => `${JSON.stringify({ v: 1, seq, bpm: 60 + seq })}\n`);
    const put = await client.send(
      new PutRecordsCommand({
        StreamName: STREAM,
        Records: lines.map((line) => ({ Data: Buffer.from(line), PartitionKey: 'view-1' })),
      }),
    );
    expect(put.FailedRecordCount).toBe(0);
    expect(put.Records).toHaveLength(20);

    const { Shards = [] } = await client.send(new ListShardsCommand({ StreamName: STREAM }));
    const shardId = Shards[0]?.ShardId;
    expect(shardId).toBeDefined();
    expect(await readAll(client, shardId ?? '')).toEqual(lines);
  });

  it('passes no CORS preflight, from any origin', async () => {
    // Act
    const response = await fetch(emulator.endpoint, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:8080',
        'access-control-request-method': 'POST',
        'access-control-request-headers': SDK_REQUEST_HEADERS,
      },
    });

    // Assess
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
    expect(response.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('refuses every request that carries an Origin, and the stream stays', async () => {
    // Prepare: what a page would send, if a preflight had let it
    const call = (target: string, input: unknown) =>
      fetch(emulator.endpoint, {
        method: 'POST',
        headers: {
          origin: 'http://127.0.0.1:8080',
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${target}`,
          'x-amz-date': '20260101T000000Z',
          authorization: FAKE_AUTH,
        },
        body: JSON.stringify(input),
      });

    // Act
    const put = await call('PutRecords', { StreamName: STREAM, Records: [{ Data: Buffer.from('{"v":1}\n').toString('base64'), PartitionKey: 'view-2' }] });
    const list = await call('ListShards', { StreamName: STREAM });
    const remove = await call('DeleteStream', { StreamName: STREAM });

    // Assess
    for (const response of [put, list, remove]) {
      expect(response.status).toBe(403);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      expect(await response.json()).toMatchObject({ __type: 'AccessDeniedException' });
    }
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
  });

  it('survives a client that disconnects in the middle of a request body', async () => {
    // Prepare / Act: headers and part of a body, then the connection drops once they are on the wire
    await new Promise<void>((resolve, reject) => {
      const socket = connect(emulator.port, '127.0.0.1', () => {
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: 1000\r\n\r\n{"St', () => socket.destroy());
      });
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });

    // Assess: still answering (a crash would also surface as an unhandled error in this run)
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    expect(StreamDescriptionSummary?.StreamStatus).toBe('ACTIVE');
  });

  it('fails with PortInUseError on a taken port', async () => {
    await expect(startKinesisEmulator({ port: emulator.port, streamName: STREAM })).rejects.toBeInstanceOf(PortInUseError);
  });
});

describe('kinesis emulator with a store directory', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-kinesis-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the stream and its records across a restart', async () => {
    const first = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir });
    const firstClient = createNodeKinesisClient(first.endpoint, 'us-east-1');
    try {
      await firstClient.send(
        new PutRecordsCommand({ StreamName: STREAM, Records: [{ Data: Buffer.from('kept\n'), PartitionKey: 'p' }] }),
      );
    } finally {
      firstClient.destroy();
      await first.stop();
      await first.stop(); // a second stop is harmless
    }

    const second = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir });
    const secondClient = createNodeKinesisClient(second.endpoint, 'us-east-1');
    try {
      expect(await readAll(secondClient, 'shardId-000000000000')).toEqual(['kept\n']);
    } finally {
      secondClient.destroy();
      await second.stop();
    }
  });

  it('writes with sync by default, so an acknowledged put is on the disk', async () => {
    // Prepare
    const writes = recordLevelDownWrites();
    const emulator = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir });
    const client = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
    try {
      writes.options.length = 0;

      // Act
      await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: [{ Data: Buffer.from('synced\n'), PartitionKey: 'p' }] }));

      // Assess: the stream's sequence counter (a put) and the records (a batch) both reach leveldown with sync.
      expect(writes.options.map((w) => w.call)).toEqual(expect.arrayContaining(['_put', '_batch']));
      expect(writes.options.every((w) => w.sync === true)).toBe(true);
    } finally {
      client.destroy();
      await emulator.stop();
      writes.restore();
    }
  });

  it('writes without sync when syncWrites is false', async () => {
    // Prepare
    const writes = recordLevelDownWrites();
    const emulator = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir, syncWrites: false });
    const client = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
    try {
      writes.options.length = 0;

      // Act
      await client.send(new PutRecordsCommand({ StreamName: STREAM, Records: [{ Data: Buffer.from('unsynced\n'), PartitionKey: 'p' }] }));

      // Assess
      expect(writes.options.map((w) => w.call)).toEqual(expect.arrayContaining(['_put', '_batch']));
      expect(writes.options.some((w) => w.sync === true)).toBe(false);
    } finally {
      client.destroy();
      await emulator.stop();
      writes.restore();
    }
  });

  it('rejects, rather than crashing, when another emulator holds the store', async () => {
    const holder = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir });
    try {
      await expect(startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir })).rejects.toThrow(/lock/);
    } finally {
      await holder.stop();
    }
  });
});

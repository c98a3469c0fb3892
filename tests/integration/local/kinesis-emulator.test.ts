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

  it('rejects, rather than crashing, when another emulator holds the store', async () => {
    const holder = await startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir });
    try {
      await expect(startKinesisEmulator({ port: 0, streamName: STREAM, storePath: dir })).rejects.toThrow(/lock/);
    } finally {
      await holder.stop();
    }
  });
});

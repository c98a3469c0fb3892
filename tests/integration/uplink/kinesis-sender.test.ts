// The browser's sender module against the embedded emulator, in Node (NodeHttpHandler injected).
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivePartitionKey, deriveViewId } from '../../../src/core/session-key.ts';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';
import { readingToUplinkRecord } from '../../../src/core/uplink-rules.ts';
import { toOutboxEntry, type OutboxEntry } from '../../../src/lib/uplink/outbox.ts';
import { createKinesisSender } from '../../../src/lib/uplink/kinesis-sender.ts';
import { SendFailure } from '../../../src/lib/uplink/record-sender.ts';
import { ServerClock } from '../../../src/lib/uplink/server-clock.ts';
import { connectStream } from '../../../src/lib/uplink/stream-connection.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { startKinesisEmulator, type KinesisEmulator } from '../../../infra/local/kinesis-emulator.ts';

const STREAM = 'uplink-sender';
const KEY = 'AAAAAAAAAAAAAAAAAAAAAA';
const handler = new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 });
let emulator: KinesisEmulator;

beforeAll(async () => {
  emulator = await startKinesisEmulator({ port: 0, streamName: STREAM });
});

afterAll(async () => {
  await emulator?.stop();
});

function embeddedConfig(streamName = STREAM): RuntimeConfig {
  return { mode: 'embedded', region: 'us-east-1', kinesis: { streamName, endpoint: emulator.endpoint }, apiUrl: '/api' };
}

async function readStream(): Promise<Array<{ data: string; partitionKey: string | undefined }>> {
  const reader = createNodeKinesisClient(emulator.endpoint, 'us-east-1');
  try {
    const { ShardIterator } = await reader.send(
      new GetShardIteratorCommand({ StreamName: STREAM, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }),
    );
    const { Records = [] } = await reader.send(new GetRecordsCommand({ ShardIterator }));
    return Records.map((r) => ({ data: new TextDecoder().decode(r.Data), partitionKey: r.PartitionKey }));
  } finally {
    reader.destroy();
  }
}

function entry(seq: number): OutboxEntry {
  const data = `{"v":1,"key":"${KEY}","seq":${seq},"t":${Date.now()},"bpm":${60 + seq}}\n`;
  return { id: seq + 1, key: KEY, seq, t: Date.now(), data, partitionKey: derivePartitionKey(KEY), bytes: data.length + 22 };
}

describe('Kinesis sender (embedded mode)', () => {
  it('puts entries as their exact lines under their partition key and reports them acknowledged', async () => {
    // Prepare
    const sender = await connectStream(embeddedConfig(), { storage: null, requestHandler: handler });
    const entries = [entry(0), entry(1), entry(2)];

    // Act
    const outcome = await sender.put(entries);

    // Assess
    expect(outcome).toEqual({ acked: entries, failed: [] });
    const onStream = (await readStream()).slice(0, entries.length);
    expect(onStream.map((r) => r.data)).toEqual(entries.map((e) => e.data));
    expect(new Set(onStream.map((r) => r.partitionKey))).toEqual(new Set([derivePartitionKey(KEY)]));
  });

  it('sends the records the app stores under the write key\'s partition key, never the view id', async () => {
    // Prepare: entries built exactly as the outbox builds them.
    const key = 'AAECAwQFBgcICQoLDA0ODw';
    const t = Date.now();
    const entries = [0, 1].map((seq) => ({
      ...toOutboxEntry(readingToUplinkRecord({ bpm: 70 + seq, contact: 'detected', rrMs: [850] }, key, seq, t + seq * 1000)),
      id: 100 + seq,
    }));
    const sender = await connectStream(embeddedConfig(), { storage: null, requestHandler: handler });

    // Act
    const outcome = await sender.put(entries);

    // Assess
    expect(outcome.failed).toEqual([]);
    const sent = (await readStream()).filter((r) => r.data.includes(`"key":"${key}"`));
    expect(sent).toHaveLength(2);
    for (const record of sent) {
      expect(record.partitionKey).toBe(derivePartitionKey(key));
      expect(record.partitionKey).not.toBe(deriveViewId(key));
    }
  });

  it('fails a request to a stream that does not exist as "rejected", keeping every entry', async () => {
    // Prepare
    const sender = await connectStream(embeddedConfig('no-such-stream'), { storage: null, requestHandler: handler });

    // Act
    const failure = await sender.put([entry(0)]).catch((e: unknown) => e);

    // Assess
    expect(failure).toBeInstanceOf(SendFailure);
    expect((failure as SendFailure).reason).toBe('rejected');
    expect((failure as SendFailure).message).toMatch(/ResourceNotFoundException/);
  });

  it('fails an unreachable stream as "network"', async () => {
    // Prepare
    const config = { ...embeddedConfig(), kinesis: { streamName: STREAM, endpoint: 'http://127.0.0.1:9' } };
    const sender = await connectStream(config, { storage: null, requestHandler: handler });

    // Act
    const failure = await sender.put([entry(0)]).catch((e: unknown) => e);

    // Assess
    expect((failure as SendFailure).reason).toBe('network');
  });
});

describe('Kinesis sender (AWS, regional endpoint)', () => {
  it('sends to the regional endpoint the CSP allows, even when the credentials name their account', async () => {
    // Prepare: credentials that carry an accountId would steer the SDK's default ("preferred") endpoint rules to
    // <account>.data-kinesis.<region>.amazonaws.com. The SDK's own transport seam records where the request goes.
    const hosts: string[] = [];
    const recordingHandler = {
      handle: async (request: { hostname: string }) => {
        hosts.push(request.hostname);
        throw new Error('recorded, not sent');
      },
    };
    const credentialsWithAccount = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', accountId: '123456789012' };
    const sender = await createKinesisSender({
      region: 'eu-west-1',
      streamName: STREAM,
      credentials: async () => credentialsWithAccount,
      requestHandler: recordingHandler as never,
    });

    // Act
    await sender.put([entry(0)]).catch(() => undefined);

    // Assess
    expect(hosts).toEqual(['kinesis.eu-west-1.amazonaws.com']);
  });
});

// Last: it writes to the stream the tests above read from the start.
describe('Kinesis sender and the server clock', () => {
  it('hands every PutRecords answer\'s Date header to the server clock, with the device times around the request', async () => {
    // Prepare: a device clock ten minutes fast.
    const skewMs = 600_000;
    const samples: Array<{ sentAt: number; receivedAt: number; date: string | undefined }> = [];
    const clock = new ServerClock(() => Date.now() + skewMs);
    const sender = await createKinesisSender({
      region: 'us-east-1',
      streamName: STREAM,
      endpoint: emulator.endpoint,
      credentials: async () => ({ accessKeyId: 'embedded', secretAccessKey: 'embedded' }),
      requestHandler: handler,
      now: () => Date.now() + skewMs,
      onServerDate: (sentAt, receivedAt, date) => {
        samples.push({ sentAt, receivedAt, date });
        clock.observeDateHeader(sentAt, receivedAt, date);
      },
    });

    // Act
    await sender.put([entry(100)]);
    await sender.put([entry(101)]);

    // Assess: the emulator's Date is the real clock's, to the second.
    expect(samples).toHaveLength(2);
    expect(samples.every((s) => s.date !== undefined && s.sentAt <= s.receivedAt)).toBe(true);
    expect(Math.abs(clock.correctionMs + skewMs)).toBeLessThanOrEqual(1000 + Math.max(...samples.map((s) => s.receivedAt - s.sentAt)));
  });
});

/**
 * The local stream answers the app and no other website (docs/architecture.md, "The stream proxy on the app's
 * origin"). In real Chromium on the built app: the app sends its readings through the proxy on its own origin,
 * and a page served from another loopback origin tries to read and delete the stream through that proxy and
 * through the emulator's own port, and fails every time; the stream and its records are still there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import type { LocalStack } from '../../infra/local/local-stack.ts';
import { expect, test } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';

const STREAM = 'liveheartrate';
const SHARD = 'shardId-000000000000';

// Emulation is browser-wide and the stream is shared by the worker: one test at a time.
test.describe.configure({ mode: 'serial' });

async function readStream(stack: LocalStack): Promise<Array<{ key: string; seq: number }>> {
  const client = createNodeKinesisClient(stack.kinesisEndpoint, 'us-east-1');
  try {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }));
    const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 10_000 }));
    return Records.map((record) => JSON.parse(new TextDecoder().decode(record.Data)) as { key: string; seq: number });
  } finally {
    client.destroy();
  }
}

/** A shard iterator, as if the page had one: GetRecords itself must still fail. */
async function shardIterator(stack: LocalStack): Promise<string> {
  const client = createNodeKinesisClient(stack.kinesisEndpoint, 'us-east-1');
  try {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }));
    return ShardIterator ?? '';
  } finally {
    client.destroy();
  }
}

async function streamStatus(stack: LocalStack): Promise<string | undefined> {
  const client = createNodeKinesisClient(stack.kinesisEndpoint, 'us-east-1');
  try {
    const { StreamDescriptionSummary } = await client.send(new DescribeStreamSummaryCommand({ StreamName: STREAM }));
    return StreamDescriptionSummary?.StreamStatus;
  } finally {
    client.destroy();
  }
}

/** Another website on this machine: a blank page on its own loopback port. */
async function startForeignSite(): Promise<{ url: string; stop(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end('<!doctype html><title>another site</title>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

test('the app sends its readings through the proxy on its own origin, and calls nothing else', async ({ page, stack, sensor }) => {
  // Prepare
  const keysBefore = new Set((await readStream(stack)).map((record) => record.key));
  const requestOrigins = new Set<string>();
  page.on('request', (request) => requestOrigins.add(new URL(request.url()).origin));
  await page.goto(stack.appUrl);
  await expect(page.getByTestId('uplink-status')).not.toHaveAttribute('data-phase', 'starting');
  await page.getByRole('button', { name: 'Connect sensor' }).click();
  await sensor.waitForSubscription();

  // Act
  for (const bpm of [70, 71, 72]) await sensor.notify([0x06, bpm]);

  // Assess
  await expect(page.getByTestId('uplink-waiting')).toHaveAttribute('data-count', '0', { timeout: 30_000 });
  await expect(page.getByTestId('uplink-status')).toHaveText('All readings sent', { timeout: 30_000 });
  const records = (await readStream(stack)).filter((record) => !keysBefore.has(record.key));
  expect(records.map((record) => record.seq).sort((a, b) => a - b)).toEqual([0, 1, 2]);
  expect([...requestOrigins]).toEqual([stack.appUrl]);
});

test('a page from another loopback origin can neither read nor delete the stream', async ({ page, stack }) => {
  // Prepare: a session's readings on the stream, and a shard iterator as if the page had obtained one
  const broadcast = createTestBroadcast(stack.kinesisEndpoint, STREAM);
  await broadcast.send(70, 71, 72);
  const foreign = await startForeignSite();
  const iterator = await shardIterator(stack);
  const targets = [`${stack.appUrl}/kinesis/`, stack.kinesisEndpoint];
  const calls = [
    { action: 'GetShardIterator', input: { StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' } },
    { action: 'GetRecords', input: { ShardIterator: iterator } },
    { action: 'ListShards', input: { StreamName: STREAM } },
    { action: 'DeleteStream', input: { StreamName: STREAM } },
  ];

  try {
    await page.goto(foreign.url);

    // Act: as the SDK would call, and once more without the headers that need a preflight (no-cors)
    const outcomes = await page.evaluate(
      async ({ targets, calls }) => {
        const results: string[] = [];
        for (const target of targets) {
          for (const { action, input } of calls) {
            const body = JSON.stringify(input);
            try {
              const response = await fetch(target, {
                method: 'POST',
                headers: {
                  'Content-Type': 'application/x-amz-json-1.1',
                  'X-Amz-Target': `Kinesis_20131202.${action}`,
                  'X-Amz-Date': '20260101T000000Z',
                  Authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
                },
                body,
              });
              results.push(`${target} ${action}: read ${response.status} ${await response.text()}`);
            } catch {
              results.push(`${target} ${action}: blocked`);
            }
            const blind = await fetch(target, { method: 'POST', mode: 'no-cors', body }).catch(() => undefined);
            results.push(`${target} ${action} no-cors: ${blind === undefined ? 'blocked' : blind.type}`);
          }
        }
        return results;
      },
      { targets, calls },
    );

    // Assess
    const expected = targets.flatMap((target) =>
      calls.flatMap(({ action }) => [`${target} ${action}: blocked`, `${target} ${action} no-cors: opaque`]),
    );
    expect(outcomes).toEqual(expected);
    expect(await streamStatus(stack)).toBe('ACTIVE');
    const kept = (await readStream(stack)).filter((record) => record.key === broadcast.key);
    expect(kept.map((record) => record.seq).sort((a, b) => a - b)).toEqual([0, 1, 2]);
  } finally {
    await foreign.stop();
  }
});

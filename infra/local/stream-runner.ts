// The local stand-in for Lambda's Kinesis event source mapping: polls every shard, hands the consumer
// handler Kinesis-shaped events in shard order, and advances a checkpoint only past records the handler
// finished — with ReportBatchItemFailures semantics: on a reported failure, everything from the lowest
// reported record is delivered again, after a backoff, until it succeeds. One ShardConsumer per shard.
import { DescribeStreamSummaryCommand, type KinesisClient, type Shard } from '@aws-sdk/client-kinesis';
import type { BackoffOptions } from '../../src/core/backoff.ts';
import type { CheckpointStore, StreamCheckpoints } from './checkpoints.ts';
import { LOCAL_ACCOUNT } from './lambda-kinesis-event.ts';
import { ShardConsumer, type ShardConsumerContext, type StreamHandler, type StreamRunnerStats } from './shard-consumer.ts';
import { firstIterator, listOpenShards, type StartFrom } from './shard-positions.ts';

export type { StreamHandler, StreamRunnerStats } from './shard-consumer.ts';

export interface StreamRunnerOptions {
  client: KinesisClient;
  streamName: string;
  region: string;
  handler: StreamHandler;
  checkpoints: CheckpointStore;
  /**
   * Pause between polls of a shard that returned less than a full batch. It sets the floor of live latency
   * (about the poll interval plus a few ms); Lambda's own polling is about once a second.
   */
  pollIntervalMs?: number;
  /** Records per GetRecords call and per handler event (Lambda's batch size, 1–10,000). */
  batchSize?: number;
  retryBackoff?: BackoffOptions;
  /** Lines about failures and retries; the runner is silent while all is well. */
  log?: (line: string) => void;
  /** The clock caughtUpTo reads; Date.now by default. */
  now?: () => number;
}

export interface ShardStart {
  shardId: string;
  from: StartFrom;
}

export interface StreamRunner {
  shards: ShardStart[];
  stats(): StreamRunnerStats;
  /**
   * A time up to which every record put into the stream has been handed to the handler (the oldest of the
   * shards' newest empty reads); null until every shard has been read empty once. What a timer that infers
   * silence from the store (the alert clock) may trust.
   */
  caughtUpTo(): number | null;
  /** Stops polling, lets a handler call in progress finish (retries in backoff stop), saves checkpoints. */
  stop(): Promise<void>;
}

export const DEFAULT_POLL_INTERVAL_MS = 50;
const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_RETRY_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5_000 };

export async function startStreamRunner(options: StreamRunnerOptions): Promise<StreamRunner> {
  const { client, streamName } = options;
  const stopping = new AbortController();
  const log = options.log ?? (() => {});
  const context: ShardConsumerContext = {
    handler: options.handler,
    checkpoints: options.checkpoints,
    pollIntervalMs: options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
    batchSize: options.batchSize ?? DEFAULT_BATCH_SIZE,
    retryBackoff: options.retryBackoff ?? DEFAULT_RETRY_BACKOFF,
    log,
    signal: stopping.signal,
    stats: { polls: 0, batches: 0, records: 0, failures: 0 },
    now: options.now ?? Date.now,
  };
  const streamArn = await describeStreamArn(client, streamName, options.region);
  const saved = await options.checkpoints.load(streamName);

  const starts: ShardStart[] = [];
  const consumers: ShardConsumer[] = [];
  const loops: Array<Promise<void>> = [];
  for (const shard of await listOpenShards(client, streamName)) {
    const { shardId, consumer, iterator, from } = await prepareShard(context, options, streamArn, shard, saved);
    starts.push({ shardId, from });
    consumers.push(consumer);
    loops.push(
      consumer.run(iterator).catch((error: unknown) => {
        log(`${shardId}: stopped after an unexpected error (${error instanceof Error ? error.message : String(error)})`);
      }),
    );
  }

  return {
    shards: starts,
    stats: () => ({ ...context.stats }),
    caughtUpTo: () => {
      const times = consumers.map((consumer) => consumer.caughtUpAt);
      if (times.length === 0 || times.some((time) => time === null)) return null;
      return Math.min(...(times as number[]));
    },
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

async function describeStreamArn(client: KinesisClient, streamName: string, region: string): Promise<string> {
  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  return summary.StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:${region}:${LOCAL_ACCOUNT}:stream/${streamName}`;
}

/** A consumer for one shard, starting after its saved checkpoint if that still belongs to this stream. */
async function prepareShard(
  context: ShardConsumerContext,
  options: StreamRunnerOptions,
  streamArn: string,
  shard: Shard,
  saved: StreamCheckpoints,
): Promise<{ shardId: string; consumer: ShardConsumer; iterator: string; from: StartFrom }> {
  const ref = { client: options.client, streamName: options.streamName, shardId: shard.ShardId ?? '' };
  const shardStart = shard.SequenceNumberRange?.StartingSequenceNumber ?? '';
  const checkpoint = saved[ref.shardId];
  const trusted = checkpoint !== undefined && checkpoint.shardStart === shardStart ? checkpoint : undefined;
  const { iterator, from } = await firstIterator(ref, trusted);
  const consumer = new ShardConsumer(context, ref, { streamArn, region: options.region }, shardStart, trusted?.sequenceNumber);
  return { shardId: ref.shardId, consumer, iterator, from };
}

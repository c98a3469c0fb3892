// The local stand-in for Lambda's Kinesis event source mapping: polls every shard, hands the consumer
// handler Kinesis-shaped events in shard order, and advances a checkpoint only past records the handler
// finished — with ReportBatchItemFailures semantics: on a reported failure, everything from the lowest
// reported record is delivered again, after a backoff, until it succeeds.
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  ListShardsCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { fullJitterDelay, type BackoffOptions } from '../../src/core/backoff.ts';
import type { CheckpointStore, ShardCheckpoint } from './checkpoints.ts';

export type StreamHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;

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
}

export interface ShardStart {
  shardId: string;
  /** Where reading began: after the saved checkpoint, or the oldest record when there was none to trust. */
  from: 'checkpoint' | 'oldest';
}

export interface StreamRunnerStats {
  batches: number;
  records: number;
  /** Handler calls that threw or reported a failure. */
  failures: number;
}

export interface StreamRunner {
  shards: ShardStart[];
  stats(): StreamRunnerStats;
  /** Stops polling, lets a handler call in progress finish (retries in backoff stop), saves checkpoints. */
  stop(): Promise<void>;
}

export const DEFAULT_POLL_INTERVAL_MS = 50;
export const DEFAULT_BATCH_SIZE = 500;
const DEFAULT_RETRY_BACKOFF: BackoffOptions = { baseMs: 100, capMs: 5_000 };
// Lambda's invoke identity and account are irrelevant locally but part of the event shape.
const LOCAL_ACCOUNT = '000000000000';

export async function startStreamRunner(options: StreamRunnerOptions): Promise<StreamRunner> {
  const { client, streamName, handler, checkpoints } = options;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const backoff = options.retryBackoff ?? DEFAULT_RETRY_BACKOFF;
  const log = options.log ?? (() => {});
  const stopping = new AbortController();
  const stats: StreamRunnerStats = { batches: 0, records: 0, failures: 0 };

  const summary = await client.send(new DescribeStreamSummaryCommand({ StreamName: streamName }));
  const streamArn = summary.StreamDescriptionSummary?.StreamARN ?? `arn:aws:kinesis:${options.region}:${LOCAL_ACCOUNT}:stream/${streamName}`;
  const shards = await listAllShards(client, streamName);
  const saved = await checkpoints.load(streamName);

  const starts: ShardStart[] = [];
  const loops: Array<Promise<void>> = [];
  for (const shard of shards) {
    const shardId = shard.ShardId ?? '';
    const shardStart = shard.SequenceNumberRange?.StartingSequenceNumber ?? '';
    const checkpoint = saved[shardId];
    const trusted = checkpoint !== undefined && checkpoint.shardStart === shardStart ? checkpoint : undefined;
    const iterator = await firstIterator(shardId, trusted);
    starts.push({ shardId, from: iterator.from });
    loops.push(
      runShard(shardId, shardStart, iterator.value, trusted).catch((error: unknown) => {
        log(`${shardId}: stopped after an unexpected error (${error instanceof Error ? error.message : String(error)})`);
      }),
    );
  }

  async function firstIterator(shardId: string, checkpoint: ShardCheckpoint | undefined): Promise<{ value: string; from: ShardStart['from'] }> {
    if (checkpoint !== undefined && (await isRecordInShard(shardId, checkpoint))) {
      return { value: await getIterator(shardId, checkpoint.sequenceNumber), from: 'checkpoint' };
    }
    return { value: await getIterator(shardId, undefined), from: 'oldest' };
  }

  /**
   * Whether the checkpointed record is still in this shard. An emulator restarted in memory within the same
   * second recreates the shards with the same sequence numbers, so a record under the checkpoint's number must
   * also have arrived at the same time: otherwise resuming after it would skip new records.
   */
  async function isRecordInShard(shardId: string, checkpoint: ShardCheckpoint): Promise<boolean> {
    try {
      const { ShardIterator } = await client.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: 'AT_SEQUENCE_NUMBER',
          StartingSequenceNumber: checkpoint.sequenceNumber,
        }),
      );
      const { Records = [] } = await client.send(new GetRecordsCommand({ ShardIterator, Limit: 1 }));
      const record = Records[0];
      return record?.SequenceNumber === checkpoint.sequenceNumber && record.ApproximateArrivalTimestamp?.getTime() === checkpoint.arrivedAt;
    } catch (error) {
      // A sequence number this stream never issued.
      if (error instanceof InvalidArgumentException) return false;
      throw error;
    }
  }

  async function getIterator(shardId: string, afterSequenceNumber: string | undefined): Promise<string> {
    const { ShardIterator } = await client.send(
      new GetShardIteratorCommand(
        afterSequenceNumber === undefined
          ? { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }
          : { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: afterSequenceNumber },
      ),
    );
    if (ShardIterator === undefined) throw new Error(`no shard iterator for ${shardId}`);
    return ShardIterator;
  }

  async function runShard(shardId: string, shardStart: string, firstIteratorValue: string, checkpoint: ShardCheckpoint | undefined): Promise<void> {
    let iterator: string | undefined = firstIteratorValue;
    let lastDone = checkpoint?.sequenceNumber;
    let readFailures = 0;

    const markDone = async (record: KinesisRecord): Promise<void> => {
      const sequenceNumber = record.SequenceNumber ?? '';
      lastDone = sequenceNumber;
      try {
        await checkpoints.save(streamName, shardId, { shardStart, sequenceNumber, arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? 0 });
      } catch (error) {
        // A checkpoint that lags only means records are delivered again after a restart, which the store
        // absorbs; it must not take the consumer (and the whole stack) down.
        log(`${shardId}: could not save the checkpoint (${(error as Error).message}); continuing`);
      }
    };

    while (iterator !== undefined && !stopping.signal.aborted) {
      let records: KinesisRecord[];
      let next: string | undefined;
      try {
        const out = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }), { abortSignal: stopping.signal });
        records = out.Records ?? [];
        next = out.NextShardIterator;
        readFailures = 0;
      } catch (error) {
        if (stopping.signal.aborted) break;
        // Expired iterators and emulator hiccups alike: start again right after the last finished record.
        log(`${shardId}: reading failed (${(error as Error).name}); retrying`);
        await sleep(fullJitterDelay(readFailures++, backoff), stopping.signal);
        iterator = await getIterator(shardId, lastDone).catch(() => iterator);
        continue;
      }

      if (records.length > 0) {
        const delivered = await deliver(shardId, records, markDone);
        if (!delivered) break;
      }
      // A closed shard (after a reshard) has no next iterator; its children are not followed locally.
      iterator = next;
      if (records.length < batchSize) await sleep(pollIntervalMs, stopping.signal);
    }
  }

  /** True once every record was handled; false if stopped while retrying. */
  async function deliver(shardId: string, records: KinesisRecord[], markDone: (record: KinesisRecord) => Promise<void>): Promise<boolean> {
    let pending = records;
    for (let attempt = 0; ; attempt++) {
      const event: KinesisStreamEvent = { Records: pending.map((record) => toLambdaRecord(record, shardId, streamArn, options.region)) };
      let failedFrom: number;
      try {
        const response = await handler(event);
        failedFrom = lowestFailure(pending, response);
      } catch (error) {
        // A handler that throws fails the whole batch, as in Lambda.
        failedFrom = 0;
        log(`${shardId}: consumer threw (${(error as Error).name}); retrying the batch`);
      }
      stats.batches++;
      const done = failedFrom === -1 ? pending : pending.slice(0, failedFrom);
      stats.records += done.length;
      const last = done.at(-1);
      if (last !== undefined) await markDone(last);
      if (failedFrom === -1) return true;

      stats.failures++;
      pending = pending.slice(failedFrom);
      if (attempt === 0) log(`${shardId}: consumer reported a failure; retrying ${pending.length} records with backoff`);
      await sleep(fullJitterDelay(attempt, backoff), stopping.signal);
      if (stopping.signal.aborted) return false;
    }
  }

  return {
    shards: starts,
    stats: () => ({ ...stats }),
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}

/** Index of the lowest reported record, -1 for none. An identifier not in the batch fails all of it, as Lambda does. */
function lowestFailure(records: readonly KinesisRecord[], response: KinesisStreamBatchResponse | void): number {
  const failures = response?.batchItemFailures ?? [];
  if (failures.length === 0) return -1;
  let lowest = records.length;
  for (const failure of failures) {
    const index = records.findIndex((record) => record.SequenceNumber === failure.itemIdentifier);
    if (index === -1) return 0;
    lowest = Math.min(lowest, index);
  }
  return lowest;
}

export function toLambdaRecord(record: KinesisRecord, shardId: string, streamArn: string, region: string): KinesisStreamRecord {
  const sequenceNumber = record.SequenceNumber ?? '';
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      partitionKey: record.PartitionKey ?? '',
      sequenceNumber,
      data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
      // Seconds with a fraction, as Lambda delivers it.
      approximateArrivalTimestamp: (record.ApproximateArrivalTimestamp?.getTime() ?? Date.now()) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `${shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-stream-runner`,
    awsRegion: region,
    eventSourceARN: streamArn,
  };
}

async function listAllShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let nextToken: string | undefined;
  do {
    const out = await client.send(nextToken === undefined ? new ListShardsCommand({ StreamName: streamName }) : new ListShardsCommand({ NextToken: nextToken }));
    shards.push(...(out.Shards ?? []));
    nextToken = out.NextToken;
  } while (nextToken !== undefined);
  // Only open shards: a closed parent's records were consumed before it closed (nothing reshards locally).
  return shards.filter((shard) => shard.SequenceNumberRange?.EndingSequenceNumber === undefined);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

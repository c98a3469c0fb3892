// One shard's loop in the local stream runner: read a batch, hand it to the handler until every record is
// done (Lambda's ReportBatchItemFailures semantics), checkpoint past finished records, pause, repeat.
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { GetRecordsCommand, type _Record as KinesisRecord } from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelay, type BackoffOptions } from '../../src/core/backoff.ts';
import type { CheckpointStore } from './checkpoints.ts';
import { lowestFailure, toLambdaRecord, type EventSource } from './lambda-kinesis-event.ts';
import { iteratorAfter, type ShardRef } from './shard-positions.ts';

export type StreamHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse | void>;

export interface StreamRunnerStats {
  /** GetRecords calls answered, empty or not. */
  polls: number;
  batches: number;
  records: number;
  /** Handler calls that threw or reported a failure. */
  failures: number;
}

/** What every shard of one runner shares. */
export interface ShardConsumerContext {
  handler: StreamHandler;
  checkpoints: CheckpointStore;
  pollIntervalMs: number;
  batchSize: number;
  retryBackoff: BackoffOptions;
  log: (line: string) => void;
  /** Aborted when the runner stops. */
  signal: AbortSignal;
  /** Counted across shards. */
  stats: StreamRunnerStats;
  /** The clock for caughtUpAt. */
  now: () => number;
}

export class ShardConsumer {
  private readonly source: EventSource;
  private readFailures = 0;
  /**
   * When the newest read that found the shard empty was asked for: every record put before then has been
   * handed to the handler. null until the first empty read.
   */
  caughtUpAt: number | null = null;

  constructor(
    private readonly context: ShardConsumerContext,
    private readonly shard: ShardRef,
    source: Omit<EventSource, 'shardId'>,
    /** The shard's StartingSequenceNumber, saved with each checkpoint (checkpoints.ts says why). */
    private readonly shardStart: string,
    /** The last sequence number finished, where a fresh iterator resumes. */
    private lastDone: string | undefined,
  ) {
    this.source = { ...source, shardId: shard.shardId };
  }

  /** Runs until stopped or the shard closes. */
  async run(firstIterator: string): Promise<void> {
    let iterator: string | undefined = firstIterator;
    while (iterator !== undefined && !this.context.signal.aborted) {
      // Reads run one after another and each batch is delivered before the next read, so an empty answer to
      // a read asked at `askedAt` means nothing put before then is still waiting.
      const askedAt = this.context.now();
      const batch = await this.read(iterator);
      if (batch === 'stopped') break;
      if (batch === 'failed') {
        iterator = await iteratorAfter(this.shard, this.lastDone).catch(() => iterator);
        continue;
      }
      if (batch.records.length === 0) this.caughtUpAt = askedAt;
      if (batch.records.length > 0 && !(await this.deliver(batch.records))) break;
      // A closed shard (after a reshard) has no next iterator; its children are not followed locally.
      iterator = batch.next;
      if (batch.records.length < this.context.batchSize) await pause(this.context.pollIntervalMs, this.context.signal);
    }
  }

  private async read(iterator: string): Promise<{ records: KinesisRecord[]; next: string | undefined } | 'failed' | 'stopped'> {
    const { signal, batchSize } = this.context;
    try {
      const out = await this.shard.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: batchSize }), { abortSignal: signal });
      this.readFailures = 0;
      this.context.stats.polls++;
      return { records: out.Records ?? [], next: out.NextShardIterator };
    } catch (error) {
      if (signal.aborted) return 'stopped';
      // Expired iterators and emulator hiccups alike: start again right after the last finished record.
      this.context.log(`${this.shard.shardId}: reading failed (${(error as Error).name}); retrying`);
      await pause(fullJitterDelay(this.readFailures++, this.context.retryBackoff), signal);
      return 'failed';
    }
  }

  /** True once every record was handled; false if stopped while retrying. */
  private async deliver(records: KinesisRecord[]): Promise<boolean> {
    const { stats, signal } = this.context;
    let pending = records;
    for (let attempt = 0; ; attempt++) {
      const failedFrom = await this.invoke(pending);
      stats.batches++;
      const done = failedFrom === -1 ? pending : pending.slice(0, failedFrom);
      stats.records += done.length;
      const last = done.at(-1);
      if (last !== undefined) await this.markDone(last);
      if (failedFrom === -1) return true;

      stats.failures++;
      pending = pending.slice(failedFrom);
      if (attempt === 0) this.context.log(`${this.shard.shardId}: consumer reported a failure; retrying ${pending.length} records with backoff`);
      await pause(fullJitterDelay(attempt, this.context.retryBackoff), signal);
      if (signal.aborted) return false;
    }
  }

  /** Calls the handler once; returns the index of the first record to deliver again, -1 for none. */
  private async invoke(records: KinesisRecord[]): Promise<number> {
    const event: KinesisStreamEvent = { Records: records.map((record) => toLambdaRecord(record, this.source)) };
    try {
      return lowestFailure(records, await this.context.handler(event));
    } catch (error) {
      // A handler that throws fails the whole batch, as in Lambda.
      this.context.log(`${this.shard.shardId}: consumer threw (${(error as Error).name}); retrying the batch`);
      return 0;
    }
  }

  private async markDone(record: KinesisRecord): Promise<void> {
    const sequenceNumber = record.SequenceNumber ?? '';
    this.lastDone = sequenceNumber;
    try {
      await this.context.checkpoints.save(this.shard.streamName, this.shard.shardId, {
        shardStart: this.shardStart,
        sequenceNumber,
        arrivedAt: record.ApproximateArrivalTimestamp?.getTime() ?? 0,
      });
    } catch (error) {
      // A checkpoint that lags only means records are delivered again after a restart, which the store
      // absorbs; it must not take the consumer (and the whole stack) down.
      this.context.log(`${this.shard.shardId}: could not save the checkpoint (${(error as Error).message}); continuing`);
    }
  }
}

/** Waits, or less once the runner stops: a stop is no error here, each caller checks the signal next. */
async function pause(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch (error) {
    if (!signal.aborted) throw error;
  }
}

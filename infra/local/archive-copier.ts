// The embedded stack's batch layer (docs/architecture.md "Batch layer"): what Firehose does in AWS. A second reader
// of the stream, with its own stream runner and checkpoint file, turns each Kinesis batch into a Firehose
// transformation event, runs the same transform as the AWS Lambda (functions/archive-transform/transform.ts) and
// writes the results under <dataDir>/archive in Firehose's layout (archive-sink.ts).
import { join } from 'node:path';
import type { FirehoseTransformationEvent, KinesisStreamEvent } from 'aws-lambda';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { transformRecords } from '../../functions/archive-transform/transform.ts';
import type { Logger } from '../../functions/lib/logger.ts';
import { createViewIdCache } from '../../src/core/session-key.ts';
import type { ArchiveFormat } from './archive-files.ts';
import { ArchiveSink, type ArchiveStats } from './archive-sink.ts';
import { openCheckpointFile } from './checkpoints.ts';
import { startStreamRunner, type StreamRunner } from './stream-runner.ts';

export type { ArchiveStats } from './archive-sink.ts';

export interface ArchiveCopierOptions {
  client: KinesisClient;
  streamName: string;
  region: string;
  /** The archive goes to <dataDir>/archive, the checkpoints to <dataDir>/archive-checkpoints.json. */
  dataDir: string;
  /** Parquet (default) or the archive lines as newline JSON. */
  format?: ArchiveFormat;
  /** A buffer is written once it holds this many bytes of lines. Default 1 MiB. */
  maxBytes?: number;
  /** A buffer is written once its first line is this old, ms. Default 60 s. */
  maxAgeMs?: number;
  /** Pause between polls of an idle shard, ms. Default 1,000. */
  pollIntervalMs?: number;
  /** Records per GetRecords call and per transform event. Default 1,000. */
  batchSize?: number;
  /** Transform counts, write failures and the runner's retries. */
  log?: Logger;
  now?: () => number;
}

export interface ArchiveCopier {
  runner: StreamRunner;
  stats(): ArchiveStats;
  /** Stops reading, writes every buffer, then saves the checkpoint; rejects if a buffer could not be written. */
  stop(): Promise<void>;
}

/**
 * Firehose's buffering hints, as data. 1 MiB and 60 s are the smallest Firehose accepts for S3 (its defaults are 5 MiB
 * and 300 s); locally the smallest show an hour's readings soonest.
 */
export const ARCHIVE_DEFAULTS = {
  format: 'parquet',
  maxBytes: 1024 * 1024,
  maxAgeMs: 60_000,
  // Firehose is no live path: once a second is Lambda's own rhythm and leaves the shard's reads to the consumer.
  pollIntervalMs: 1_000,
  batchSize: 1_000,
} as const;

export const ARCHIVE_CHECKPOINT_FILE = 'archive-checkpoints.json';

export async function startArchiveCopier(options: ArchiveCopierOptions): Promise<ArchiveCopier> {
  const now = options.now ?? Date.now;
  const log = options.log ?? { info: () => {}, error: () => {} };
  const maxAgeMs = options.maxAgeMs ?? ARCHIVE_DEFAULTS.maxAgeMs;
  const sink = new ArchiveSink({
    archiveDir: join(options.dataDir, 'archive'),
    format: options.format ?? ARCHIVE_DEFAULTS.format,
    limits: { maxBytes: options.maxBytes ?? ARCHIVE_DEFAULTS.maxBytes, maxAgeMs },
    now,
    log: (line) => log.error(line),
  });
  const viewIdOf = createViewIdCache();
  const deliveryStreamArn = `arn:aws:firehose:${options.region}:000000000000:deliverystream/${options.streamName}-archive`;

  const runner = await startStreamRunner({
    client: options.client,
    streamName: options.streamName,
    region: options.region,
    checkpoints: sink.holdCheckpoints(openCheckpointFile(join(options.dataDir, ARCHIVE_CHECKPOINT_FILE))),
    pollIntervalMs: options.pollIntervalMs ?? ARCHIVE_DEFAULTS.pollIntervalMs,
    batchSize: options.batchSize ?? ARCHIVE_DEFAULTS.batchSize,
    handler: async (event) => {
      const firehoseEvent = toFirehoseEvent(event, deliveryStreamArn, options.region);
      const { records } = transformRecords(firehoseEvent, { log, now, viewIdOf });
      await sink.accept(records.map((result, i) => ({ result, arrivalMs: firehoseEvent.records[i]?.approximateArrivalTimestamp ?? now() })));
    },
    log: (line) => log.error(line),
    now,
  });

  // Age is checked a few times per maxAgeMs, so a buffer is written at most a quarter late (and at least once a second).
  const timer = setInterval(() => void sink.flushDue(), Math.max(10, Math.min(1_000, maxAgeMs / 4)));
  timer.unref();

  return {
    runner,
    stats: () => sink.stats(),
    async stop() {
      clearInterval(timer);
      await runner.stop();
      try {
        await sink.flushAll();
      } finally {
        await sink.close();
      }
    },
  };
}

/**
 * What Firehose hands its transform Lambda for records read from a Kinesis stream: one record per Kinesis record,
 * its data as is (base64), its arrival on the stream in epoch ms (Lambda's Kinesis event has seconds).
 */
export function toFirehoseEvent(event: KinesisStreamEvent, deliveryStreamArn: string, region: string): FirehoseTransformationEvent {
  return {
    invocationId: event.Records[0]?.eventID ?? 'empty',
    deliveryStreamArn,
    region,
    records: event.Records.map((record) => ({
      recordId: record.eventID,
      approximateArrivalTimestamp: Math.round(record.kinesis.approximateArrivalTimestamp * 1000),
      data: record.kinesis.data,
    })),
  };
}

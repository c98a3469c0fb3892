// Where in each shard the local stream runner starts reading: the open shards of a stream, and a shard
// iterator after a saved checkpoint when that checkpoint still names a record of this very stream.
import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  InvalidArgumentException,
  ListShardsCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { ShardCheckpoint } from './checkpoints.ts';

export interface ShardRef {
  client: KinesisClient;
  streamName: string;
  shardId: string;
}

/** Where reading began: after the saved checkpoint, or the oldest record when there was none to trust. */
export type StartFrom = 'checkpoint' | 'oldest';

export async function listOpenShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
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

/** The first iterator for a shard: right after a checkpoint that is still valid, else the oldest record. */
export async function firstIterator(shard: ShardRef, checkpoint: ShardCheckpoint | undefined): Promise<{ iterator: string; from: StartFrom }> {
  if (checkpoint !== undefined && (await isRecordInShard(shard, checkpoint))) {
    return { iterator: await iteratorAfter(shard, checkpoint.sequenceNumber), from: 'checkpoint' };
  }
  return { iterator: await iteratorAfter(shard, undefined), from: 'oldest' };
}

/** An iterator right after a sequence number, or at the oldest record (TRIM_HORIZON) without one. */
export async function iteratorAfter({ client, streamName, shardId }: ShardRef, sequenceNumber: string | undefined): Promise<string> {
  const { ShardIterator } = await client.send(
    new GetShardIteratorCommand(
      sequenceNumber === undefined
        ? { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }
        : { StreamName: streamName, ShardId: shardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: sequenceNumber },
    ),
  );
  if (ShardIterator === undefined) throw new Error(`no shard iterator for ${shardId}`);
  return ShardIterator;
}

/**
 * Whether the checkpointed record is still in this shard. An emulator restarted in memory within the same
 * second recreates the shards with the same sequence numbers, so a record under the checkpoint's number must
 * also have arrived at the same time: otherwise resuming after it would skip new records.
 */
async function isRecordInShard({ client, streamName, shardId }: ShardRef, checkpoint: ShardCheckpoint): Promise<boolean> {
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

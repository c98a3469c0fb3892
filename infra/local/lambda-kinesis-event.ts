// What Lambda's Kinesis event source mapping hands a function, and how it reads the answer: the two halves of
// the contract the local stream runner reproduces for functions/consumer.
import type { KinesisStreamBatchResponse, KinesisStreamRecord } from 'aws-lambda';
import type { _Record as KinesisRecord } from '@aws-sdk/client-kinesis';

// Lambda's invoke identity and account are irrelevant locally but part of the event shape.
export const LOCAL_ACCOUNT = '000000000000';

export interface EventSource {
  shardId: string;
  streamArn: string;
  region: string;
}

/** One GetRecords record as Lambda delivers it in a KinesisStreamEvent. */
export function toLambdaRecord(record: KinesisRecord, source: EventSource): KinesisStreamRecord {
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
    eventID: `${source.shardId}:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-stream-runner`,
    awsRegion: source.region,
    eventSourceARN: source.streamArn,
  };
}

/**
 * ReportBatchItemFailures: the index of the lowest reported record, -1 for none. An identifier not in the
 * batch fails all of it, as Lambda does.
 */
export function lowestFailure(records: readonly KinesisRecord[], response: KinesisStreamBatchResponse | void): number {
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

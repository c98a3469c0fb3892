// Builders for Kinesis-shaped Lambda events around v1 wire records, as the event source mapping delivers them.
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { encodeRecord, type ControlRecord, type ReadingRecord } from '../../../../src/core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../../../src/core/session-key.ts';

export const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A deterministic write key per number, and its view id. */
export function sessionKeys(n: number): { key: string; viewId: string } {
  const key = createWriteKey((length) => new Uint8Array(length).fill(n & 0xff).map((b, i) => (b + i * 7) & 0xff));
  return { key, viewId: deriveViewId(key) };
}

export function reading(key: string, seq: number, overrides: Partial<ReadingRecord> = {}): ReadingRecord {
  return { v: 1, key, seq, t: NOW - 60_000 + seq * 1000, bpm: 60 + (seq % 50), rr: [800, 810], contact: true, ...overrides };
}

export function control(key: string, seq: number, fields: Pick<ControlRecord, 'end' | 'exp' | 'name' | 'maxHr'>, t = NOW - 1000): ControlRecord {
  return { v: 1, key, seq, t, ...fields };
}

/** Kinesis sequence numbers are big decimal strings that grow along a shard. */
export function streamSeq(n: number): string {
  return `4963${String(n).padStart(52, '0')}`;
}

export interface RawRecord {
  /** A wire record (encoded as the PWA does), a raw string or raw bytes. */
  data: ReadingRecord | ControlRecord | string | Uint8Array;
  arrivalMs?: number;
}

export function kinesisEvent(records: ReadonlyArray<RawRecord | ReadingRecord | ControlRecord>, firstSeq = 1): KinesisStreamEvent {
  return {
    Records: records.map((entry, i) => {
      const raw: RawRecord = isRaw(entry) ? entry : { data: entry };
      return kinesisRecord(raw, streamSeq(firstSeq + i));
    }),
  };
}

export function kinesisRecord(raw: RawRecord, sequenceNumber: string): KinesisStreamRecord {
  const bytes =
    typeof raw.data === 'string' ? Buffer.from(raw.data) : raw.data instanceof Uint8Array ? Buffer.from(raw.data) : Buffer.from(encodeRecord(raw.data));
  return {
    kinesis: {
      kinesisSchemaVersion: '1.0',
      // As the uplink sends it; raw bytes or strings carry no key, so they get a stand-in.
      partitionKey: typeof raw.data === 'string' || raw.data instanceof Uint8Array ? 'pk' : derivePartitionKey(raw.data.key),
      sequenceNumber,
      data: bytes.toString('base64'),
      approximateArrivalTimestamp: (raw.arrivalMs ?? NOW - 200) / 1000,
    },
    eventSource: 'aws:kinesis',
    eventVersion: '1.0',
    eventID: `shardId-000000000000:${sequenceNumber}`,
    eventName: 'aws:kinesis:record',
    invokeIdentityArn: 'arn:aws:iam::000000000000:role/test',
    awsRegion: 'us-east-1',
    eventSourceARN: 'arn:aws:kinesis:us-east-1:000000000000:stream/test',
  };
}

function isRaw(entry: RawRecord | ReadingRecord | ControlRecord): entry is RawRecord {
  return (entry as { v?: unknown }).v === undefined;
}

/** Re-delivers from a reported sequence number the way Lambda does: that record and everything after it. */
export function redeliverFrom(event: KinesisStreamEvent, sequenceNumber: string): KinesisStreamEvent {
  const index = event.Records.findIndex((record) => record.kinesis.sequenceNumber === sequenceNumber);
  if (index === -1) throw new Error(`sequence number ${sequenceNumber} is not in the batch`);
  return { Records: event.Records.slice(index) };
}

// Writes v1 records straight onto the local stream, as a broadcaster's uplink would (or an attacker could).
import { PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { encodeRecord, type SharedAlerts, type WireRecord } from '../../../src/core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../../src/core/session-key.ts';

export interface TestBroadcast {
  key: string;
  viewId: string;
  /** Puts readings with the next sequence numbers, receive time now. */
  send(...bpms: number[]): Promise<void>;
  /** Puts readings without skin contact (bpm 0, contact false), as a sensor that slipped off sends them. */
  sendNoContact(count: number): Promise<void>;
  /** Puts a control record (end mark, link expiry, alert rules, display name and max HR). */
  control(fields: { end?: true; exp?: number; alerts?: SharedAlerts; name?: string; maxHr?: number }): Promise<void>;
  /** Puts any record under this broadcast's partition key. */
  put(records: WireRecord[]): Promise<void>;
  nextSeq: number;
}

export function createTestBroadcast(kinesisEndpoint: string, streamName = 'liveheartrate'): TestBroadcast {
  const client = createNodeKinesisClient(kinesisEndpoint, 'us-east-1');
  const key = createWriteKey();
  const viewId = deriveViewId(key);
  const partitionKey = derivePartitionKey(key);
  const broadcast: TestBroadcast = {
    key,
    viewId,
    nextSeq: 0,
    async put(records) {
      const out = await client.send(
        new PutRecordsCommand({
          StreamName: streamName,
          Records: records.map((r) => ({ Data: new TextEncoder().encode(encodeRecord(r)), PartitionKey: partitionKey })),
        }),
      );
      if ((out.FailedRecordCount ?? 0) > 0) throw new Error('the emulator refused records');
    },
    async send(...bpms) {
      const t = Date.now();
      await broadcast.put(bpms.map((bpm) => ({ v: 1, key, seq: broadcast.nextSeq++, t, bpm, rr: [Math.round(60_000 / bpm)] })));
    },
    async sendNoContact(count) {
      const t = Date.now();
      await broadcast.put(Array.from({ length: count }, () => ({ v: 1 as const, key, seq: broadcast.nextSeq++, t, bpm: 0, contact: false })));
    },
    async control(fields) {
      await broadcast.put([{ v: 1, key, seq: broadcast.nextSeq++, t: Date.now(), ...fields }]);
    },
  };
  return broadcast;
}

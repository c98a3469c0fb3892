import 'fake-indexeddb/auto';
import type { TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';
import { Outbox, type OutboxEntry } from '../../../src/lib/uplink/outbox.ts';
import type { PutOutcome, RecordSender } from '../../../src/lib/uplink/record-sender.ts';

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

let dbCounter = 0;

/** A fresh database per test: fake-indexeddb is one global factory shared by the whole file. */
export function uniqueDbName(): string {
  dbCounter += 1;
  return `test-outbox-${process.pid}-${dbCounter}`;
}

export function timedReading(bpm: number, i = 0): TimedReading {
  return { reading: { bpm, contact: 'detected', rrMs: [] }, receivedAt: T0 + i * 1000 };
}

export function readings(count: number, first = 0): TimedReading[] {
  return Array.from({ length: count }, (_, i) => timedReading(60 + ((first + i) % 120), first + i));
}

export async function fillOutbox(outbox: Outbox, count: number): Promise<void> {
  await outbox.append(readings(count).map((reading) => ({ kind: 'reading' as const, reading })));
}

export type Answer = (entries: readonly OutboxEntry[], call: number) => PutOutcome | Promise<PutOutcome>;

export const acceptAll: Answer = (entries) => ({ acked: [...entries], failed: [] });

/** A stand-in stream: records every call's (seq) list and answers with `answer`. */
export class FakeSender implements RecordSender {
  readonly calls: number[][] = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(private answer: Answer = acceptAll) {}

  answerWith(answer: Answer): void {
    this.answer = answer;
  }

  async put(entries: readonly OutboxEntry[]): Promise<PutOutcome> {
    this.calls.push(entries.map((e) => e.seq));
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // A real request takes a turn of the event loop at least.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return await this.answer(entries, this.calls.length - 1);
    } finally {
      this.inFlight -= 1;
    }
  }

  /** Every seq sent, in order, across all calls. */
  get sent(): number[] {
    return this.calls.flat();
  }
}

/** Seqs still in the outbox, oldest first. */
export async function seqsIn(outbox: Outbox): Promise<number[]> {
  return (await outbox.peekBatch({ maxRecords: 10_000, maxBytes: Number.MAX_SAFE_INTEGER, maxRecordBytes: 1 << 20 })).map((e) => e.seq);
}

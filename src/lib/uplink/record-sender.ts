import type { UplinkFailureKind } from '../../core/uplink-rules.ts';
import type { OutboxEntry } from './outbox.ts';

/** Why the uplink is waiting to try again: a kind of stream failure, config.json, or local storage. */
export type RetryReason = UplinkFailureKind | 'config' | 'storage';

/** What the stream did with one request: which entries it stored and which must be sent again. */
export interface PutOutcome {
  acked: OutboxEntry[];
  failed: Array<{ entry: OutboxEntry; code: string }>;
}

/** Sends one batch with PutRecords. A request that failed as a whole rejects with a SendFailure. */
export interface RecordSender {
  put(entries: readonly OutboxEntry[]): Promise<PutOutcome>;
}

export class SendFailure extends Error {
  constructor(
    readonly reason: RetryReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SendFailure';
  }
}

import { classifyUplinkFailure, type UplinkFailureKind } from '../../core/uplink-rules.ts';
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

/**
 * The one place an error thrown while sending (an SDK service error, a network error, a SendFailure already)
 * becomes a SendFailure with a retry reason.
 */
export function toSendFailure(error: unknown): SendFailure {
  if (error instanceof SendFailure) return error;
  // SDK service errors carry the exception name and, when an answer came back, its HTTP status.
  const e = error as { name?: unknown; message?: unknown; $metadata?: { httpStatusCode?: unknown } } | null;
  const name = typeof e?.name === 'string' ? e.name : undefined;
  const status = e?.$metadata?.httpStatusCode;
  const reason = classifyUplinkFailure({ name, httpStatus: typeof status === 'number' ? status : undefined });
  const message = typeof e?.message === 'string' ? e.message : String(error);
  return new SendFailure(reason, `${name ?? 'Error'}: ${message}`, { cause: error });
}

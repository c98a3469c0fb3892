// The archive transform (docs/architecture.md "Batch layer"): Firehose's record-transform step, as a pure function
// over its transformation event, so the Lambda in AWS and the embedded stack's copier run the one module. Every
// record becomes an archive line (src/core/archive-record.ts), which carries the view id and never the write key.
import type { FirehoseRecordTransformationStatus, FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { toArchiveLine } from '../../src/core/archive-record.ts';
import type { DropReason } from '../../src/core/record.ts';
import { deriveViewId } from '../../src/core/session-key.ts';
import type { Logger } from '../lib/logger.ts';

export interface TransformDeps {
  log: Logger;
  /** The server clock, for a record without a usable arrival time. */
  now: () => number;
  /** deriveViewId, or a cache of it (createViewIdCache) where one process transforms many batches. */
  viewIdOf?: (writeKey: string) => string;
}

/** How many records ended how; the reasons are the core's drop reasons. Never keys, never record contents. */
export interface TransformCounts {
  ok: number;
  dropped: Partial<Record<DropReason, number>>;
  failed: Partial<Record<DropReason, number>>;
}

/**
 * A contact gap is a well-formed record that is not a reading (bpm 0 on contact loss): nothing to archive and
 * nothing wrong, so Firehose is told it was dropped on purpose. Every other reason is malformed input, marked
 * ProcessingFailed so Firehose writes it under the error output prefix instead of the archive.
 */
export function statusFor(reason: DropReason): FirehoseRecordTransformationStatus {
  return reason === 'contact-gap' ? 'Dropped' : 'ProcessingFailed';
}

/**
 * One result per input record, same recordId, same order (Firehose treats a missing or mismatched id as a failed
 * transformation). Never throws on record contents: a record that cannot be read is marked, counted and logged.
 */
export function transformRecords(event: Pick<FirehoseTransformationEvent, 'records'>, deps: TransformDeps): FirehoseTransformationResult {
  const viewIdOf = deps.viewIdOf ?? deriveViewId;
  const counts: TransformCounts = { ok: 0, dropped: {}, failed: {} };
  const nowMs = deps.now();

  const records = event.records.map((record): FirehoseTransformationResult['records'][number] => {
    // Bounds are judged against when the record reached the stream, as the consumer does, not when Firehose
    // got round to it: a retried or delayed batch gets the same answer as the first attempt.
    const arrivedAt = Number.isFinite(record.approximateArrivalTimestamp) ? record.approximateArrivalTimestamp : nowMs;
    // Data that is not a string is handed on as is: decoding drops anything but bytes or text as not-utf8.
    const bytes = typeof record.data === 'string' ? Buffer.from(record.data, 'base64') : (record.data as unknown as Uint8Array);
    const result = toArchiveLine(bytes, arrivedAt, viewIdOf);
    if (result.ok) {
      counts.ok++;
      return { recordId: record.recordId, result: 'Ok', data: Buffer.from(result.line, 'utf8').toString('base64') };
    }
    const status = statusFor(result.reason);
    const tally = status === 'Dropped' ? counts.dropped : counts.failed;
    tally[result.reason] = (tally[result.reason] ?? 0) + 1;
    // Firehose requires data on every result. A dropped record leaves nothing behind; a failed one is answered
    // with its input as received, so the error output shows what was wrong with it.
    return { recordId: record.recordId, result: status, data: status === 'ProcessingFailed' && typeof record.data === 'string' ? record.data : '' };
  });

  deps.log.info('archive transform', { records: records.length, ...counts });
  return { records };
}

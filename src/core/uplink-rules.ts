// Rules of the producer's durable uplink (outbox → PutRecords) that need no browser: which record a reading
// becomes, which entries of a PutRecords answer the stream really holds, what kind of failure an error is,
// and when local storage is too short to hold a backlog.
import type { HeartRateReading } from './hr-packet.ts';
import { readingToRecord, type ReadingRecord } from './record.ts';

/**
 * The record the outbox keeps for a reading. A bpm of 0 (Garmin watches send it on contact loss) is kept
 * and sent, not dropped: the stream then holds every seq, so a gap in a session is visibly a contact gap
 * rather than a lost reading. Contact is set to false so the consumer counts it as 'contact-gap' (it drops
 * 0 with contact true or absent as a bad bpm, a fault count).
 */
export function readingToUplinkRecord(reading: HeartRateReading, key: string, seq: number, t: number): ReadingRecord {
  const record = readingToRecord(reading, key, seq, t);
  if (record.bpm === 0) record.contact = false;
  return record;
}

/** One entry of a PutRecords answer, as Kinesis returns it (positions match the request). */
export interface PutRecordsResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutRecordsSplit {
  /** Request positions the stream stored. */
  acked: number[];
  /** Request positions to send again, with the stream's error code ('Missing' when the answer said nothing). */
  failed: Array<{ index: number; code: string }>;
}

/**
 * Splits a PutRecords answer into stored and failed request positions. Only an entry that carries a
 * SequenceNumber and no ErrorCode counts as stored: an answer that is short, or says nothing about an
 * entry, leaves that entry to be sent again (a duplicate is harmless; a loss is not).
 */
export function splitPutRecordsResult(sent: number, results: readonly PutRecordsResultEntry[] | undefined): PutRecordsSplit {
  const split: PutRecordsSplit = { acked: [], failed: [] };
  for (let index = 0; index < sent; index++) {
    const result = results?.[index];
    if (result?.ErrorCode !== undefined) split.failed.push({ index, code: result.ErrorCode });
    else if (typeof result?.SequenceNumber === 'string' && result.SequenceNumber !== '') split.acked.push(index);
    else split.failed.push({ index, code: 'Missing' });
  }
  return split;
}

export type UplinkFailureKind = 'throttled' | 'server' | 'network' | 'credentials' | 'rejected';

const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'LimitExceededException',
  'KMSThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
]);

const SERVER = new Set(['InternalFailure', 'InternalFailureException', 'InternalServerError', 'ServiceUnavailable', 'ServiceUnavailableException']);

const CREDENTIALS = new Set([
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'AccessDeniedException',
  'AccessDenied',
  'NotAuthorizedException',
  'MissingAuthenticationToken',
]);

/**
 * What kind of failure an error (or a failed PutRecords entry's code) is, for the person's status line and
 * for whether credentials must be fetched again. Every kind is retried: nothing is ever dropped for an error.
 * No HTTP status means no answer came back: the network (or a request that timed out).
 */
export function classifyUplinkFailure(failure: { name?: string; httpStatus?: number }): UplinkFailureKind {
  const { name, httpStatus } = failure;
  if ((name !== undefined && THROTTLING.has(name)) || httpStatus === 429) return 'throttled';
  // A gateway in front of the stream (the local stream proxy, a corporate proxy) answering for a stream it
  // could not reach: to the person that is the stream out of reach, not the stream failing.
  if ((httpStatus === 502 || httpStatus === 504) && !(name !== undefined && SERVER.has(name))) return 'network';
  if ((name !== undefined && SERVER.has(name)) || (httpStatus !== undefined && httpStatus >= 500)) return 'server';
  if ((name !== undefined && CREDENTIALS.has(name)) || httpStatus === 401 || httpStatus === 403) return 'credentials';
  if (httpStatus === undefined) return 'network';
  return 'rejected';
}

/**
 * The one kind a partly failed PutRecords answer shows: throttling is what the person can least do anything
 * about and what the backoff is for, so it wins, then the service's own trouble, then the first code's kind.
 * The entries were answered, so a code is never a network failure.
 */
export function classifyFailedEntries(codes: readonly string[]): UplinkFailureKind {
  const kinds = codes.map((code) => classifyUplinkFailure({ name: code, httpStatus: 200 }));
  if (kinds.includes('throttled')) return 'throttled';
  if (kinds.includes('server')) return 'server';
  return kinds[0] ?? 'server';
}

export interface StorageEstimateLike {
  usage?: number;
  quota?: number;
}

export const UPLINK_STORAGE = {
  // A queued reading is ~150–300 bytes of JSON plus IndexedDB's own overhead; 1 KiB is a safe over-estimate.
  bytesPerQueuedReading: 1024,
  // Readings arrive about once a second.
  readingsPerHour: 3600,
  // Less room than a working day offline is worth telling the person about while they can still act.
  shortBelowHours: 8,
} as const;

/** How many hours of readings still fit, or null when the browser gave no usable estimate. */
export function storageHeadroomHours(estimate: StorageEstimateLike): number | null {
  const { usage, quota } = estimate;
  if (typeof usage !== 'number' || typeof quota !== 'number' || !Number.isFinite(quota) || quota <= 0) return null;
  const free = Math.max(0, quota - Math.max(0, usage));
  return free / UPLINK_STORAGE.bytesPerQueuedReading / UPLINK_STORAGE.readingsPerHour;
}

export function isStorageShort(estimate: StorageEstimateLike): boolean {
  const hours = storageHeadroomHours(estimate);
  return hours !== null && hours < UPLINK_STORAGE.shortBelowHours;
}

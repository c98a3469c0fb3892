// The archive line (docs/architecture.md "Batch layer"): a wire record as the batch layer stores it, in S3 and in
// the data folder. The write key is a credential (with it one can write into the session or turn a revoked link
// back on), and the archive is kept for a year and read by anyone with access to the bucket or the query engine,
// so the key is replaced by the view id, the public name of the session, before anything is stored.
import { decodeRecord, isControlRecord, RECORD_VERSION, type DropReason, type SharedAlerts } from './record.ts';
import { deriveViewId } from './session-key.ts';

/**
 * One line per record: a reading carries `bpm` (and optionally `rr`, `contact`, `kj`), a control record carries
 * `end`, `exp`, `alerts`, `name` and/or `maxHr` and no reading field, exactly as on the wire. `(viewId, seq)` is a reading's identity.
 */
export interface ArchiveLine {
  v: 1;
  viewId: string;
  seq: number;
  t: number;
  bpm?: number;
  rr?: number[];
  contact?: boolean;
  kj?: number;
  end?: true;
  exp?: number;
  alerts?: SharedAlerts;
  name?: string;
  maxHr?: number;
}

export type ArchiveResult = { ok: true; line: string } | { ok: false; reason: DropReason };

/**
 * The archive line for one raw stream record: compact JSON, fields in the order of ArchiveLine (absent ones
 * omitted), and the newline the batch layer splits on. `nowMs` is the server time the record arrived.
 *
 * The record's own bounds apply (src/core/record.ts), the live horizon does not: a phone that uploads last
 * week's session after a trip is the history the archive is for, while a time beyond the clock-skew allowance
 * or before 2020 is as wrong here as in a live view.
 */
export function toArchiveLine(data: Uint8Array | string, nowMs: number, viewIdOf: (writeKey: string) => string = deriveViewId): ArchiveResult {
  const decoded = decodeRecord(data, nowMs);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  const r = decoded.record;
  // Built field by field from the validated record, never by spreading it, so the key cannot ride along.
  const line: ArchiveLine = { v: RECORD_VERSION, viewId: viewIdOf(r.key), seq: r.seq, t: r.t };
  if (isControlRecord(r)) {
    if (r.end !== undefined) line.end = r.end;
    if (r.exp !== undefined) line.exp = r.exp;
    if (r.alerts !== undefined) line.alerts = r.alerts;
    if (r.name !== undefined) line.name = r.name;
    if (r.maxHr !== undefined) line.maxHr = r.maxHr;
  } else {
    line.bpm = r.bpm;
    if (r.rr !== undefined) line.rr = r.rr;
    if (r.contact !== undefined) line.contact = r.contact;
    if (r.kj !== undefined) line.kj = r.kj;
  }
  return { ok: true, line: `${JSON.stringify(line)}\n` };
}

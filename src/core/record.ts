// The v1 record on the wire (docs/architecture.md "Record on the wire"). IAM cannot constrain a Kinesis payload, so
// every record a consumer reads is untrusted: decoding reports why a record is dropped and never throws.
import { parseAlertSettings, type AlertSettings } from './alert-rules.ts';
import { normalizeDisplayName } from './display-name.ts';
import type { HeartRateReading } from './hr-packet.ts';
import { isWriteKey } from './session-key.ts';
import { utf8ByteLength } from './utf8-length.ts';
import { isPlausibleMaxHr } from './zones.ts';

export const RECORD_VERSION = 1;

// A reading with 32 RR values encodes to about 300 bytes; 1 KiB leaves room for growth while keeping
// hostile payloads from costing parse time or store space.
export const MAX_RECORD_BYTES = 1024;

/**
 * What a record may plausibly contain. Anything outside is dropped, not clamped: a wrong value is worse
 * than a gap in a live view.
 */
export const BOUNDS = {
  // Nothing in this product predates 2020; earlier times mean a device with an unset clock.
  minTimeMs: Date.UTC(2020, 0, 1),
  // Device clocks drift and phones are set by hand; five minutes ahead tolerates that and still stops
  // a record from claiming a far-future slot in history.
  maxClockSkewMs: 5 * 60 * 1000,
  // Reported resting lows (trained endurance athletes) are in the high 20s and maximal rates rarely pass
  // 220, so values outside 25–250 are sensor faults rather than heart rates.
  minBpm: 25,
  maxBpm: 250,
  // A notification carries 0–4 RR values in practice and at most 9 in a default 20-byte payload; 32
  // allows larger MTUs and batching without letting one record carry an unbounded list.
  maxRrCount: 32,
  // Positive whole milliseconds. The 16-bit field in 1/1024 s tops out at 63999 ms, so 65535 is loose on
  // purpose: no value a sensor can send is rejected, and physiological filtering is left to HRV code.
  minRrMs: 1,
  maxRrMs: 65535,
  // Energy expended is a uint16 in the packet.
  minKj: 0,
  maxKj: 65535,
} as const;

export interface ReadingRecord {
  v: 1;
  key: string;
  seq: number;
  t: number;
  bpm: number;
  rr?: number[];
  contact?: boolean;
  kj?: number;
}

// A control record carries no bpm; it marks the end of a broadcast and/or sets the share link's expiry.
// Both take effect when the record reaches the stream, never at its device time: `t` and `exp` are read only
// as a pair, `exp - t` being how long the link has left (exp <= t means revoked now), so a device clock
// that is off shifts both and cancels out.
export interface ControlRecord {
  v: 1;
  key: string;
  seq: number;
  t: number;
  end?: true;
  exp?: number;
  /**
   * The session's alert rules, and whether viewers see the alerts they raise (src/core/alert-rules.ts). The
   * newest by seq wins; `share: false` withdraws alerts from viewers. A consumer that predates alerts drops
   * such a record as `bad-bpm` (no end or exp, no bpm) and counts it: nothing else changes for it.
   */
  alerts?: SharedAlerts;
  /**
   * The broadcaster's display name (src/core/display-name.ts), as normalized there; `''` clears it. The newest by seq
   * wins. Refused whole when it breaks the rule (`bad-name`), never trimmed to fit.
   */
  name?: string;
  /** The broadcaster's maximum heart rate (src/core/zones.ts isPlausibleMaxHr), for zone colours on viewers' screens; newest by seq wins. */
  maxHr?: number;
}

export interface SharedAlerts {
  share: boolean;
  settings: AlertSettings;
}

export type WireRecord = ReadingRecord | ControlRecord;

/**
 * Why decoding drops a record, the one list of them: the consumer counts drops under these names, and the
 * type below is derived from it so a new reason cannot be returned without being listed (and counted).
 */
export const DROP_REASONS = [
  'oversize',
  'not-utf8',
  'not-json',
  'not-object',
  'unknown-version',
  'bad-key',
  'bad-seq',
  'bad-time',
  'bad-bpm',
  'bad-rr',
  'bad-contact',
  'bad-kj',
  'bad-control',
  'bad-alerts',
  'bad-name',
  'contact-gap',
] as const;

export type DropReason = (typeof DROP_REASONS)[number];

/**
 * A contact gap (bpm 0 with contact false) is not a reading, but it is news for the alert engine: the sensor
 * lost contact. Its header is handed back with the drop, so a consumer can feed it to the engine.
 */
export interface ContactGap {
  key: string;
  seq: number;
  t: number;
}

export type DecodeResult = { ok: true; record: WireRecord } | { ok: false; reason: DropReason; gap?: ContactGap };

export function isControlRecord(r: WireRecord): r is ControlRecord {
  return (r as Partial<ReadingRecord>).bpm === undefined;
}

/** Compact JSON plus the newline the batch layer splits on. Fields in a fixed order; absent ones omitted. */
export function encodeRecord(r: WireRecord): string {
  const { v, key, seq, t } = r;
  if (isControlRecord(r)) {
    return `${JSON.stringify({ v, key, seq, t, end: r.end, exp: r.exp, alerts: r.alerts, name: r.name, maxHr: r.maxHr })}\n`;
  }
  // An empty RR list says nothing a missing one does not; omitting it keeps one encoding per reading.
  const rr = r.rr !== undefined && r.rr.length > 0 ? r.rr : undefined;
  return `${JSON.stringify({ v, key, seq, t, bpm: r.bpm, rr, contact: r.contact, kj: r.kj })}\n`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeRecord(data: Uint8Array | string, nowMs: number): DecodeResult {
  let text: string;
  if (typeof data === 'string') {
    // UTF-8 never takes fewer bytes than UTF-16 code units, so the cheap length check is a safe first cut.
    if (data.length > MAX_RECORD_BYTES || utf8ByteLength(data) > MAX_RECORD_BYTES) return drop('oversize');
    text = data;
  } else {
    if (!(data instanceof Uint8Array)) return drop('not-utf8');
    if (data.length > MAX_RECORD_BYTES) return drop('oversize');
    try {
      text = strictUtf8.decode(data);
    } catch {
      return drop('not-utf8');
    }
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return drop('not-json');
  }
  return validateRecord(value, nowMs);
}

/** Validates an already-parsed value. The returned record is a fresh object holding only v1 fields. */
export function validateRecord(value: unknown, nowMs: number): DecodeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return drop('not-object');
  const o = value as Record<string, unknown>;
  // Checked first: a later version may change any other field.
  if (o.v !== RECORD_VERSION) return drop('unknown-version');
  if (!isWriteKey(o.key)) return drop('bad-key');
  if (!isSequenceNumber(o.seq)) return drop('bad-seq');
  // The presence of end, exp, alerts, name or maxHr makes a control record; a record without them and without bpm is a broken reading.
  const isControl = o.end !== undefined || o.exp !== undefined || o.alerts !== undefined || o.name !== undefined || o.maxHr !== undefined;
  // A control record's device time is informative only (it takes effect on arrival), so a clock set wrong
  // must not cost the person their 'Turn off link': any whole non-negative time passes.
  if (isControl ? !isSequenceNumber(o.t) : !isPlausibleTime(o.t, nowMs)) return drop('bad-time');

  const header = { v: RECORD_VERSION, key: o.key, seq: o.seq, t: o.t as number } as const;
  if (isControl) return validateControl(o, header);
  return validateReading(o, header);
}

export function readingToRecord(reading: HeartRateReading, key: string, seq: number, t: number): ReadingRecord {
  const record: ReadingRecord = { v: RECORD_VERSION, key, seq, t, bpm: reading.bpm };
  // A 0 RR (or a list longer than the wire allows) would get the whole reading dropped downstream; an
  // interval of 0 ms is a sensor artefact anyway, so it is left out rather than costing the bpm.
  const rr = reading.rrMs.filter(isPlausibleRr).slice(0, BOUNDS.maxRrCount);
  if (rr.length > 0) record.rr = rr;
  if (reading.contact !== 'unsupported') record.contact = reading.contact === 'detected';
  if (reading.energyKj !== undefined) record.kj = reading.energyKj;
  return record;
}

interface Header {
  v: 1;
  key: string;
  seq: number;
  t: number;
}

function validateControl(o: Record<string, unknown>, header: Header): DecodeResult {
  // A record mixing reading and control fields is ambiguous, so it is neither.
  if (o.bpm !== undefined || o.rr !== undefined || o.kj !== undefined || o.contact !== undefined) {
    return drop('bad-control');
  }
  if (o.end !== undefined && o.end !== true) return drop('bad-control');
  if (o.exp !== undefined && !(Number.isSafeInteger(o.exp) && (o.exp as number) >= 0)) return drop('bad-control');
  if (o.maxHr !== undefined && !isPlausibleMaxHr(o.maxHr)) return drop('bad-control');
  const name = o.name === undefined ? undefined : normalizeDisplayName(o.name);
  if (name === null) return drop('bad-name');

  let alerts: SharedAlerts | undefined;
  if (o.alerts !== undefined) {
    const parsed = parseSharedAlerts(o.alerts);
    if (parsed === null) return drop('bad-alerts');
    alerts = parsed;
  }

  const record: ControlRecord = { ...header };
  if (o.end === true) record.end = true;
  if (typeof o.exp === 'number') record.exp = o.exp;
  if (alerts !== undefined) record.alerts = alerts;
  if (name !== undefined) record.name = name;
  if (typeof o.maxHr === 'number') record.maxHr = o.maxHr;
  return { ok: true, record };
}

/** Rules from a hostile writer are refused whole (src/core/alert-rules.ts bounds), never trimmed. */
function parseSharedAlerts(value: unknown): SharedAlerts | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const o = value as Record<string, unknown>;
  if (typeof o.share !== 'boolean') return null;
  const parsed = parseAlertSettings(o.settings);
  return parsed.ok ? { share: o.share, settings: parsed.settings } : null;
}

function validateReading(o: Record<string, unknown>, header: Header): DecodeResult {
  // Garmin watches send 0 on contact loss: a gap to show as such, not a reading; counted separately from faults.
  if (o.bpm === 0 && o.contact === false) return { ok: false, reason: 'contact-gap', gap: { key: header.key, seq: header.seq, t: header.t } };
  if (!isIntegerIn(o.bpm, BOUNDS.minBpm, BOUNDS.maxBpm)) return drop('bad-bpm');
  if (o.rr !== undefined && !isRrList(o.rr)) return drop('bad-rr');
  if (o.contact !== undefined && typeof o.contact !== 'boolean') return drop('bad-contact');
  if (o.kj !== undefined && !isIntegerIn(o.kj, BOUNDS.minKj, BOUNDS.maxKj)) return drop('bad-kj');

  const record: ReadingRecord = { ...header, bpm: o.bpm };
  if (o.rr !== undefined && o.rr.length > 0) record.rr = o.rr.slice();
  if (o.contact !== undefined) record.contact = o.contact;
  if (o.kj !== undefined) record.kj = o.kj;
  return { ok: true, record };
}

function isSequenceNumber(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isPlausibleTime(value: unknown, nowMs: number): value is number {
  return Number.isSafeInteger(value) && (value as number) >= BOUNDS.minTimeMs && (value as number) <= nowMs + BOUNDS.maxClockSkewMs;
}

function isRrList(value: unknown): value is number[] {
  if (!Array.isArray(value) || value.length > BOUNDS.maxRrCount) return false;
  // An index loop, not every(): every() skips the holes of a sparse array built in code.
  for (let i = 0; i < value.length; i++) if (!isPlausibleRr(value[i])) return false;
  return true;
}

function isPlausibleRr(value: unknown): value is number {
  return isIntegerIn(value, BOUNDS.minRrMs, BOUNDS.maxRrMs);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

function drop(reason: DropReason): DecodeResult {
  return { ok: false, reason };
}

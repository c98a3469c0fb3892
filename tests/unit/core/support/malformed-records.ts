// Every way a record can be dropped, one case or more per drop reason: the record tests check that decoding names
// the reason, and the archive transform's tests that each is marked with it. Inputs built from parsed values are
// functions, so a test can hand them to validateRecord as values or JSON-encode them for decodeRecord.
import { BOUNDS, MAX_RECORD_BYTES, type DropReason } from '../../../../src/core/record.ts';
import { bytes } from './bytes.ts';

/** The server time the cases are judged at. */
export const NOW = Date.UTC(2025, 5, 1, 12, 0, 0);
export const KEY = 'AAECAwQFBgcICQoLDA0ODw';

export interface MalformedRecord {
  name: string;
  input: Uint8Array | string | (() => unknown);
  reason: DropReason;
}

export function reading(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, key: KEY, seq: 7, t: NOW - 1000, bpm: 72, ...overrides };
}

export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export const MALFORMED_RECORDS: MalformedRecord[] = [
  { name: 'bytes over the limit', input: utf8(JSON.stringify(reading({ pad: 'x'.repeat(MAX_RECORD_BYTES) }))), reason: 'oversize' },
  { name: 'string over the limit in bytes but not in characters', input: JSON.stringify(reading({ pad: 'é'.repeat(520) })), reason: 'oversize' },
  { name: 'oversize even when not JSON', input: new Uint8Array(MAX_RECORD_BYTES + 1).fill(0xff), reason: 'oversize' },
  { name: 'invalid UTF-8 byte', input: bytes(0x7b, 0xff, 0x7d), reason: 'not-utf8' },
  { name: 'truncated multi-byte sequence', input: bytes(0x22, 0xc3, 0x22), reason: 'not-utf8' },
  { name: 'UTF-8-encoded surrogate', input: bytes(0x22, 0xed, 0xa0, 0x80, 0x22), reason: 'not-utf8' },
  { name: 'empty input', input: '', reason: 'not-json' },
  { name: 'truncated JSON', input: '{"v":1,"key":', reason: 'not-json' },
  { name: 'JSON with a trailing comma', input: '{"v":1,}', reason: 'not-json' },
  { name: 'JSON array', input: '[1,2]', reason: 'not-object' },
  { name: 'JSON null', input: 'null', reason: 'not-object' },
  { name: 'JSON number', input: '72', reason: 'not-object' },
  { name: 'JSON string', input: '"hello"', reason: 'not-object' },
  { name: 'missing version', input: () => reading({ v: undefined }), reason: 'unknown-version' },
  { name: 'version 2', input: () => reading({ v: 2 }), reason: 'unknown-version' },
  { name: 'version as a string', input: () => reading({ v: '1' }), reason: 'unknown-version' },
  { name: 'missing key', input: () => reading({ key: undefined }), reason: 'bad-key' },
  { name: 'key one char short', input: () => reading({ key: KEY.slice(1) }), reason: 'bad-key' },
  { name: 'non-canonical key ending', input: () => reading({ key: `${KEY.slice(0, 21)}x` }), reason: 'bad-key' },
  { name: 'negative seq', input: () => reading({ seq: -1 }), reason: 'bad-seq' },
  { name: 'fractional seq', input: () => reading({ seq: 1.5 }), reason: 'bad-seq' },
  { name: 'unsafe seq', input: () => reading({ seq: 2 ** 53 }), reason: 'bad-seq' },
  { name: 'seq as a string', input: () => reading({ seq: '7' }), reason: 'bad-seq' },
  { name: 'time before 2020', input: () => reading({ t: BOUNDS.minTimeMs - 1 }), reason: 'bad-time' },
  { name: 'time beyond the clock-skew allowance', input: () => reading({ t: NOW + BOUNDS.maxClockSkewMs + 1 }), reason: 'bad-time' },
  { name: 'time in seconds', input: () => reading({ t: Math.floor(NOW / 1000) }), reason: 'bad-time' },
  { name: 'fractional time', input: () => reading({ t: NOW - 0.5 }), reason: 'bad-time' },
  { name: 'time as ISO string', input: () => reading({ t: new Date(NOW).toISOString() }), reason: 'bad-time' },
  { name: 'missing bpm and no control field', input: () => reading({ bpm: undefined }), reason: 'bad-bpm' },
  { name: 'bpm 24', input: () => reading({ bpm: 24 }), reason: 'bad-bpm' },
  { name: 'bpm 251', input: () => reading({ bpm: 251 }), reason: 'bad-bpm' },
  { name: 'fractional bpm', input: () => reading({ bpm: 72.5 }), reason: 'bad-bpm' },
  { name: 'bpm as a string', input: () => reading({ bpm: '72' }), reason: 'bad-bpm' },
  { name: 'bpm 0 with contact absent', input: () => reading({ bpm: 0 }), reason: 'bad-bpm' },
  { name: 'bpm 0 with contact true', input: () => reading({ bpm: 0, contact: true }), reason: 'bad-bpm' },
  { name: 'bpm 0 with contact false', input: () => reading({ bpm: 0, contact: false }), reason: 'contact-gap' },
  { name: 'rr not an array', input: () => reading({ rr: 800 }), reason: 'bad-rr' },
  { name: 'rr null', input: () => reading({ rr: null }), reason: 'bad-rr' },
  { name: 'rr with a 0', input: () => reading({ rr: [800, 0] }), reason: 'bad-rr' },
  { name: 'rr above 65535', input: () => reading({ rr: [65536] }), reason: 'bad-rr' },
  { name: 'rr fractional', input: () => reading({ rr: [800.5] }), reason: 'bad-rr' },
  { name: 'rr as strings', input: () => reading({ rr: ['800'] }), reason: 'bad-rr' },
  { name: 'rr longer than 32', input: () => reading({ rr: new Array<number>(33).fill(800) }), reason: 'bad-rr' },
  // eslint-disable-next-line no-sparse-arrays -- the hole is the point: a sparse array must be rejected
  { name: 'sparse rr', input: () => reading({ rr: [800, , 800] }), reason: 'bad-rr' },
  { name: 'contact as a string', input: () => reading({ contact: 'yes' }), reason: 'bad-contact' },
  { name: 'contact null', input: () => reading({ contact: null }), reason: 'bad-contact' },
  { name: 'negative kj', input: () => reading({ kj: -1 }), reason: 'bad-kj' },
  { name: 'kj above 65535', input: () => reading({ kj: 65536 }), reason: 'bad-kj' },
  { name: 'fractional kj', input: () => reading({ kj: 1.5 }), reason: 'bad-kj' },
  { name: 'control time fractional', input: () => reading({ bpm: undefined, end: true, t: NOW - 0.5 }), reason: 'bad-time' },
  { name: 'control time negative', input: () => reading({ bpm: undefined, exp: 0, t: -1 }), reason: 'bad-time' },
  { name: 'control time as a string', input: () => reading({ bpm: undefined, end: true, t: String(NOW) }), reason: 'bad-time' },
  { name: 'end false', input: () => reading({ bpm: undefined, end: false }), reason: 'bad-control' },
  { name: 'end null', input: () => reading({ bpm: undefined, end: null }), reason: 'bad-control' },
  { name: 'negative exp', input: () => reading({ bpm: undefined, exp: -1 }), reason: 'bad-control' },
  { name: 'fractional exp', input: () => reading({ bpm: undefined, exp: NOW + 0.5 }), reason: 'bad-control' },
  { name: 'exp as a string', input: () => reading({ bpm: undefined, exp: 'never' }), reason: 'bad-control' },
  { name: 'control with bpm', input: () => reading({ end: true }), reason: 'bad-control' },
  { name: 'control with rr', input: () => reading({ bpm: undefined, end: true, rr: [800] }), reason: 'bad-control' },
  { name: 'control with kj', input: () => reading({ bpm: undefined, exp: NOW, kj: 3 }), reason: 'bad-control' },
  { name: 'control with contact', input: () => reading({ bpm: undefined, end: true, contact: true }), reason: 'bad-control' },
  { name: 'alerts not an object', input: () => reading({ bpm: undefined, alerts: 'on' }), reason: 'bad-alerts' },
  { name: 'alerts without share', input: () => reading({ bpm: undefined, alerts: { settings: { rules: [] } } }), reason: 'bad-alerts' },
  {
    name: 'alerts with an absurd threshold',
    input: () => reading({ bpm: undefined, alerts: { share: true, settings: { rules: [{ id: 'h', kind: 'high', bpm: 9999, forS: 5 }] } } }),
    reason: 'bad-alerts',
  },
  {
    name: 'alerts with too many rules',
    input: () =>
      reading({
        bpm: undefined,
        alerts: { share: true, settings: { rules: Array.from({ length: 9 }, (_, i) => ({ id: `r${i}`, kind: 'no-data', forS: 5 })) } },
      }),
    reason: 'bad-alerts',
  },
  {
    name: 'alerts with an unknown kind',
    input: () => reading({ bpm: undefined, alerts: { share: true, settings: { rules: [{ id: 'x', kind: 'fire', forS: 5 }] } } }),
    reason: 'bad-alerts',
  },
  { name: 'name with a bidi override', input: () => reading({ bpm: undefined, name: 'Ann\u202Eelgoog' }), reason: 'bad-name' },
  { name: 'name of 41 characters', input: () => reading({ bpm: undefined, name: 'a'.repeat(41) }), reason: 'bad-name' },
  { name: 'name as a number', input: () => reading({ bpm: undefined, name: 42 }), reason: 'bad-name' },
  { name: 'name with a NUL', input: () => reading({ bpm: undefined, name: 'A\u0000B' }), reason: 'bad-name' },
  { name: 'max HR out of bounds', input: () => reading({ bpm: undefined, maxHr: 400 }), reason: 'bad-control' },
  { name: 'max HR fractional', input: () => reading({ bpm: undefined, maxHr: 180.5 }), reason: 'bad-control' },
  { name: 'name with bpm', input: () => reading({ name: 'Ann' }), reason: 'bad-control' },
];

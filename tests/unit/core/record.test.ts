import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HeartRateReading } from '../../../src/core/hr-packet.ts';
import {
  BOUNDS,
  MAX_RECORD_BYTES,
  RECORD_VERSION,
  decodeRecord,
  encodeRecord,
  isControlRecord,
  readingToRecord,
  validateRecord,
} from '../../../src/core/record.ts';
import type { ControlRecord, DecodeResult, DropReason, ReadingRecord, WireRecord } from '../../../src/core/record.ts';
import { KEY, MALFORMED_RECORDS, NOW, reading, utf8 } from './support/malformed-records.ts';

function reasonOf(result: DecodeResult): DropReason | 'ok' {
  return result.ok ? 'ok' : result.reason;
}

describe('encodeRecord', () => {
  it('round-trips a control record that shares alert rules', () => {
    // Prepare
    const record: WireRecord = {
      v: 1,
      key: KEY,
      seq: 3,
      t: NOW,
      alerts: { share: true, settings: { rules: [{ id: 'high', kind: 'high', bpm: 171, forS: 10 }], hysteresisBpm: 3, repeatAfterS: 60 } },
    };

    // Act
    const result = decodeRecord(encodeRecord(record), NOW);

    // Assess
    expect(result).toEqual({ ok: true, record });
  });

  it('round-trips a control record with a display name and max HR, the name normalized', () => {
    // Prepare
    const record: ControlRecord = { v: 1, key: KEY, seq: 4, t: NOW, name: ' Ann  Lee ', maxHr: 185 };

    // Act
    const result = decodeRecord(encodeRecord(record), NOW);

    // Assess
    expect(result).toEqual({ ok: true, record: { ...record, name: 'Ann Lee' } });
  });

  it('takes an empty name as a control record that clears it', () => {
    const result = validateRecord({ v: 1, key: KEY, seq: 4, t: NOW, name: '' }, NOW);

    expect(result).toEqual({ ok: true, record: { v: 1, key: KEY, seq: 4, t: NOW, name: '' } });
  });

  it('writes compact JSON in field order with a trailing newline', () => {
    const record: ReadingRecord = { v: 1, key: KEY, seq: 3, t: 1_700_000_000_000, bpm: 150, rr: [400, 402], contact: true, kj: 12 };

    const line = encodeRecord(record);

    expect(line).toBe(`{"v":1,"key":"${KEY}","seq":3,"t":1700000000000,"bpm":150,"rr":[400,402],"contact":true,"kj":12}\n`);
  });

  it('omits absent optional fields and an empty RR list', () => {
    const record: ReadingRecord = { v: 1, key: KEY, seq: 0, t: 1_700_000_000_000, bpm: 60, rr: [] };

    const line = encodeRecord(record);

    expect(line).toBe(`{"v":1,"key":"${KEY}","seq":0,"t":1700000000000,"bpm":60}\n`);
  });

  it('keeps contact false, which is information, not absence', () => {
    const line = encodeRecord({ v: 1, key: KEY, seq: 0, t: 1_700_000_000_000, bpm: 60, contact: false, kj: 0 });

    expect(line).toContain('"contact":false,"kj":0}');
  });

  it('writes control records with only their own fields', () => {
    const end = encodeRecord({ v: 1, key: KEY, seq: 9, t: 1_700_000_000_000, end: true });
    const exp = encodeRecord({ v: 1, key: KEY, seq: 10, t: 1_700_000_000_000, exp: 1_700_000_600_000 });

    expect(end).toBe(`{"v":1,"key":"${KEY}","seq":9,"t":1700000000000,"end":true}\n`);
    expect(exp).toBe(`{"v":1,"key":"${KEY}","seq":10,"t":1700000000000,"exp":1700000600000}\n`);
  });

  it('does not carry fields outside the schema', () => {
    const record = { v: 1, key: KEY, seq: 1, t: 1_700_000_000_000, bpm: 80, secret: 'x' } as ReadingRecord;

    const line = encodeRecord(record);

    expect(line).not.toContain('secret');
  });
});

describe('isControlRecord', () => {
  it('tells control records from readings', () => {
    const control: WireRecord = { v: 1, key: KEY, seq: 1, t: NOW, end: true };
    const heart: WireRecord = { v: 1, key: KEY, seq: 1, t: NOW, bpm: 90 };

    expect(isControlRecord(control)).toBe(true);
    expect(isControlRecord(heart)).toBe(false);
  });
});

describe('decodeRecord: valid records', () => {
  it('decodes bytes of an encoded reading back to the same record', () => {
    const record: ReadingRecord = { v: 1, key: KEY, seq: 12, t: NOW, bpm: 250, rr: [1, 65535], contact: false, kj: 65535 };

    const result = decodeRecord(utf8(encodeRecord(record)), NOW);

    expect(result).toEqual({ ok: true, record });
  });

  it('decodes a Node Buffer, as a Lambda gets from a Kinesis event', () => {
    const data = Buffer.from(Buffer.from(`{"v":1,"key":"${KEY}","seq":1,"t":${NOW},"bpm":61}\n`).toString('base64'), 'base64');

    const result = decodeRecord(data, NOW);

    expect(result).toEqual({ ok: true, record: { v: 1, key: KEY, seq: 1, t: NOW, bpm: 61 } });
  });

  it('decodes a string as well as bytes', () => {
    const line = `{"v":1,"key":"${KEY}","seq":0,"t":${NOW},"bpm":25}`;

    const result = decodeRecord(line, NOW);

    expect(result).toEqual({ ok: true, record: { v: 1, key: KEY, seq: 0, t: NOW, bpm: 25 } });
  });

  it.each<ControlRecord>([
    { v: 1, key: KEY, seq: 5, t: NOW, end: true },
    { v: 1, key: KEY, seq: 5, t: NOW, exp: 0 },
    { v: 1, key: KEY, seq: 5, t: NOW, end: true, exp: NOW + 3_600_000 },
    // A control's device time is informative only: a clock far off, or unset, does not drop it.
    { v: 1, key: KEY, seq: 5, t: NOW + 600_000, exp: NOW + 600_000 },
    { v: 1, key: KEY, seq: 5, t: NOW + 365 * 86_400_000, end: true },
    { v: 1, key: KEY, seq: 5, t: 0, exp: 3_600_000 },
  ])('decodes control record %j', (record) => {
    const result = decodeRecord(encodeRecord(record), NOW);

    expect(result).toEqual({ ok: true, record });
    expect(result.ok && isControlRecord(result.record)).toBe(true);
  });

  it('ignores unknown fields and leaves them out of the result', () => {
    const line = JSON.stringify(reading({ future: { nested: true }, __proto__: 1 }));

    const result = decodeRecord(line, NOW);

    expect(result).toEqual({ ok: true, record: { v: 1, key: KEY, seq: 7, t: NOW - 1000, bpm: 72 } });
  });

  it('treats an empty RR list as absent', () => {
    const result = validateRecord(reading({ rr: [] }), NOW);

    expect(result).toEqual({ ok: true, record: { v: 1, key: KEY, seq: 7, t: NOW - 1000, bpm: 72 } });
  });

  it('copies the RR list rather than sharing the caller\'s array', () => {
    const rr = [800, 810];

    const result = validateRecord(reading({ rr }), NOW);
    rr.push(5);

    expect(result.ok && !isControlRecord(result.record) && result.record.rr).toEqual([800, 810]);
  });

  it('accepts a record of exactly MAX_RECORD_BYTES and drops one byte more', () => {
    const base = JSON.stringify(reading({ pad: '' }));
    const fits = JSON.stringify(reading({ pad: 'x'.repeat(MAX_RECORD_BYTES - base.length) }));
    const over = JSON.stringify(reading({ pad: 'x'.repeat(MAX_RECORD_BYTES - base.length + 1) }));

    const results = [decodeRecord(utf8(fits), NOW), decodeRecord(fits, NOW), decodeRecord(utf8(over), NOW), decodeRecord(over, NOW)];

    expect(fits.length).toBe(MAX_RECORD_BYTES);
    expect(results.map(reasonOf)).toEqual(['ok', 'ok', 'oversize', 'oversize']);
  });
});

describe('decodeRecord / validateRecord: every drop reason', () => {
  it.each(MALFORMED_RECORDS)('$name → $reason', ({ input, reason }) => {
    // Parsed values go through validateRecord and, JSON-encoded, through decodeRecord: both must agree.
    const results =
      typeof input === 'function'
        ? [validateRecord(input(), NOW), decodeRecord(JSON.stringify(input()), NOW)]
        : [decodeRecord(input, NOW)];

    for (const result of results) expect(reasonOf(result)).toBe(reason);
  });

  it('accepts the exact bounds on both sides', () => {
    const atBounds = [
      reading({ t: BOUNDS.minTimeMs }),
      reading({ t: NOW + BOUNDS.maxClockSkewMs }),
      reading({ seq: 0 }),
      reading({ seq: Number.MAX_SAFE_INTEGER }),
      reading({ bpm: BOUNDS.minBpm }),
      reading({ bpm: BOUNDS.maxBpm }),
      reading({ rr: new Array<number>(BOUNDS.maxRrCount).fill(BOUNDS.maxRrMs) }),
      reading({ rr: [BOUNDS.minRrMs] }),
      reading({ kj: BOUNDS.minKj }),
      reading({ kj: BOUNDS.maxKj }),
    ];

    const reasons = atBounds.map((value) => reasonOf(validateRecord(value, NOW)));

    expect(reasons).toEqual(atBounds.map(() => 'ok'));
  });

  it('drops input that is neither bytes nor a string instead of throwing', () => {
    const result = decodeRecord(42 as unknown as string, NOW);

    expect(result.ok).toBe(false);
  });
});

describe('readingToRecord', () => {
  it('maps a full reading onto the wire fields', () => {
    const source: HeartRateReading = { bpm: 154, contact: 'detected', energyKj: 10, rrMs: [500, 600] };

    const record = readingToRecord(source, KEY, 4, NOW);

    expect(record).toEqual({ v: RECORD_VERSION, key: KEY, seq: 4, t: NOW, bpm: 154, rr: [500, 600], contact: true, kj: 10 });
  });

  it('omits contact when unsupported, and rr and kj when absent', () => {
    const record = readingToRecord({ bpm: 70, contact: 'unsupported', rrMs: [] }, KEY, 0, NOW);

    expect(record).toEqual({ v: 1, key: KEY, seq: 0, t: NOW, bpm: 70 });
    expect(Object.keys(record)).toEqual(['v', 'key', 'seq', 't', 'bpm']);
  });

  it('maps contact loss to false, so a Garmin 0 becomes a recognisable contact gap', () => {
    const record = readingToRecord({ bpm: 0, contact: 'not-detected', rrMs: [] }, KEY, 0, NOW);

    expect(record.contact).toBe(false);
    expect(reasonOf(validateRecord(record, NOW))).toBe('contact-gap');
  });

  it('hands back a contact gap with its header, so a consumer can tell the alert engine contact was lost', () => {
    // Prepare
    const record = readingToRecord({ bpm: 0, contact: 'not-detected', rrMs: [] }, KEY, 7, NOW);

    // Act
    const result = validateRecord(record, NOW);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'contact-gap', gap: { key: KEY, seq: 7, t: NOW } });
  });

  it('leaves out RR values the wire would reject instead of losing the reading', () => {
    const record = readingToRecord({ bpm: 70, contact: 'detected', rrMs: [0, ...new Array<number>(40).fill(850)] }, KEY, 0, NOW);

    expect(record.rr).toHaveLength(BOUNDS.maxRrCount);
    expect(record.rr?.every((ms) => ms === 850)).toBe(true);
    expect(reasonOf(validateRecord(record, NOW))).toBe('ok');
  });

  it('does not share the reading\'s RR array', () => {
    const source: HeartRateReading = { bpm: 70, contact: 'detected', rrMs: [850] };

    const record = readingToRecord(source, KEY, 0, NOW);
    source.rrMs.push(900);

    expect(record.rr).toEqual([850]);
  });
});

describe('decodeRecord: fuzz', () => {
  const seeds: WireRecord[] = [
    { v: 1, key: KEY, seq: 12, t: NOW, bpm: 150, rr: [400, 402, 398, 1000], contact: true, kj: 100 },
    { v: 1, key: KEY, seq: 0, t: NOW - 60_000, bpm: 60 },
    { v: 1, key: KEY, seq: 3, t: NOW, end: true, exp: NOW },
  ];
  const tokens = ['"', '{', '}', '[', ']', ',', ':', '0', '-', '1e309', 'null', 'true', '"v"', '"bpm"', '"rr"', '"end"', '"exp"', '\\u0000', '\uD800', 'é', ' '];

  // One edit at a relative position: cut a few characters, insert a JSON-ish token, replace a character
  // with any UTF-16 unit (lone surrogates included), or truncate. Uniform rather than fast-check's bias
  // toward extremes, which would pile edits onto the first and last characters.
  const edit = fc.noBias(fc.record({
    // Where, as a fraction of the line in 1/1000 (doubles would cluster near zero).
    at: fc.integer({ min: 0, max: 999 }),
    kind: fc.integer({ min: 0, max: 3 }),
    cut: fc.integer({ min: 1, max: 5 }),
    token: fc.constantFrom(...tokens),
    unit: fc.integer({ min: 0, max: 0xffff }),
  }));

  function mutate(line: string, edits: { at: number; kind: number; cut: number; token: string; unit: number }[]): string {
    let out = line;
    for (const { at: relative, kind, cut, token, unit } of edits) {
      const at = Math.floor((relative * (out.length + 1)) / 1000);
      if (kind === 0) out = out.slice(0, at) + out.slice(at + cut);
      else if (kind === 1) out = out.slice(0, at) + token + out.slice(at);
      else if (kind === 2) out = out.slice(0, at) + String.fromCharCode(unit) + out.slice(at + 1);
      else out = out.slice(0, at);
    }
    return out;
  }

  const seed = fc.constantFrom(...seeds).map((record) => encodeRecord(record));
  const edits = fc.array(edit, { minLength: 1, maxLength: 4 });
  const inputs: fc.Arbitrary<Uint8Array | string> = fc.oneof(
    // A mutated line, as text.
    fc.tuple(seed, edits).map(([line, e]) => mutate(line, e)),
    // A mutated line as bytes, with a few bytes replaced by anything (invalid UTF-8 included).
    fc.tuple(seed, edits, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 })).map(([line, e, corruptions]) => {
      const out = utf8(mutate(line, e));
      for (const [index, value] of corruptions) if (out.length > 0) out[index % out.length] = value;
      return out;
    }),
    // Bytes with no structure at all.
    fc.uint8Array({ maxLength: 64 }),
  );

  it('never throws on 30,000 mutated or random inputs, and whatever it accepts re-encodes to itself', () => {
    // Prepare
    const reasons = new Set<string>();
    let accepted = 0;

    fc.assert(
      fc.property(inputs, (input) => {
        // Act: fast-check reports the input if this throws.
        const result: DecodeResult = decodeRecord(input, NOW);

        // Assess
        reasons.add(reasonOf(result));
        if (result.ok) {
          accepted++;
          const again = decodeRecord(encodeRecord(result.record), NOW);
          if (!again.ok || JSON.stringify(again.record) !== JSON.stringify(result.record)) {
            throw new Error(`accepted record does not round-trip: ${JSON.stringify(result.record)}`);
          }
        } else if (result.ok !== false || typeof result.reason !== 'string') {
          throw new Error('result is neither ok nor a drop');
        }
      }),
      // Seeded: the coverage floors below hold for this corpus, and another draw may reach a reason fewer.
      { numRuns: 30_000, seed: 0x7ec0 },
    );

    // The fuzz must reach both acceptance and a broad range of drop reasons to mean anything.
    expect(accepted).toBeGreaterThan(150);
    expect(reasons.size).toBeGreaterThanOrEqual(10);
  });
});

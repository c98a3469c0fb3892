import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toArchiveLine, type ArchiveLine, type ArchiveResult } from '../../../src/core/archive-record.ts';
import { LIVE_HORIZON } from '../../../src/core/live-horizon.ts';
import { BOUNDS, encodeRecord, isControlRecord, type WireRecord } from '../../../src/core/record.ts';
import { deriveViewId } from '../../../src/core/session-key.ts';
import { KEY, MALFORMED_RECORDS, NOW, reading, utf8 } from './support/malformed-records.ts';
import { producerRecord } from './support/wire-records.ts';

function lineOf(result: ArchiveResult): string {
  if (!result.ok) throw new Error(`dropped: ${result.reason}`);
  return result.line;
}

/** The fields an archive line must hold for a wire record: the same ones, the view id in place of the key. */
function expectedLine(record: WireRecord): ArchiveLine {
  const { key, v, seq, t, ...rest } = record;
  return { v, viewId: deriveViewId(key), seq, t, ...rest };
}

function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

describe('toArchiveLine', () => {
  it('writes a reading as compact JSON in field order, the view id in place of the key, and one newline', () => {
    // Prepare
    const record = reading({ rr: [812, 799], contact: true, kj: 12 });

    // Act
    const line = lineOf(toArchiveLine(JSON.stringify(record), NOW));

    // Assess
    expect(line).toBe(`{"v":1,"viewId":"${deriveViewId(KEY)}","seq":7,"t":${NOW - 1000},"bpm":72,"rr":[812,799],"contact":true,"kj":12}\n`);
  });

  it('writes a control record with only its own fields', () => {
    // Prepare
    const alerts = { share: true, settings: { rules: [{ id: 'high', kind: 'high', bpm: 171, forS: 10 }], hysteresisBpm: 3, repeatAfterS: 60 } };
    const record = reading({ bpm: undefined, end: true, exp: NOW, alerts });

    // Act
    const line = lineOf(toArchiveLine(utf8(JSON.stringify(record)), NOW));

    // Assess
    expect(line).toBe(`{"v":1,"viewId":"${deriveViewId(KEY)}","seq":7,"t":${NOW - 1000},"end":true,"exp":${NOW},"alerts":${JSON.stringify(alerts)}}\n`);
  });

  it('keeps a reading older than the live horizon: the horizon is the speed layer\'s rule, not the archive\'s', () => {
    // Prepare
    const weekOld = reading({ t: NOW - 7 * LIVE_HORIZON.maxAgeMs });
    const first = reading({ t: BOUNDS.minTimeMs });

    // Act
    const results = [toArchiveLine(JSON.stringify(weekOld), NOW), toArchiveLine(JSON.stringify(first), NOW)];

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, true]);
  });

  it('holds readings to the record\'s own bounds around the arrival time', () => {
    // Prepare
    const ahead = JSON.stringify(reading({ t: NOW + BOUNDS.maxClockSkewMs + 1 }));

    // Act
    const atArrival = toArchiveLine(ahead, NOW);
    const later = toArchiveLine(ahead, NOW + 1);

    // Assess
    expect(atArrival).toEqual({ ok: false, reason: 'bad-time' });
    expect(later.ok).toBe(true);
  });

  it('leaves out fields outside the schema, so nothing a writer adds reaches the archive', () => {
    // Prepare
    const record = reading({ note: KEY, viewId: 'forged', key2: KEY });

    // Act
    const line = lineOf(toArchiveLine(JSON.stringify(record), NOW));

    // Assess
    expect(JSON.parse(line)).toEqual({ v: 1, viewId: deriveViewId(KEY), seq: 7, t: NOW - 1000, bpm: 72 });
    expect(line).not.toContain(KEY);
  });

  it('uses the view id function it is given, so a caller can pass a cache', () => {
    // Prepare
    const seen: string[] = [];

    // Act
    const line = lineOf(toArchiveLine(JSON.stringify(reading()), NOW, (key) => {
      seen.push(key);
      return 'cached';
    }));

    // Assess
    expect(seen).toEqual([KEY]);
    expect(JSON.parse(line)).toMatchObject({ viewId: 'cached' });
  });

  it.each(MALFORMED_RECORDS)('drops $name as $reason', ({ input, reason }) => {
    // Prepare
    const data = typeof input === 'function' ? JSON.stringify(input()) : input;

    // Act
    const result = toArchiveLine(data, NOW);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('for any record a producer could send: no write key in the line, the same fields back, one newline', () => {
    fc.assert(
      fc.property(producerRecord(NOW), fc.boolean(), (record, asBytes) => {
        // Prepare
        const wire = encodeRecord(record);

        // Act
        const line = lineOf(toArchiveLine(asBytes ? utf8(wire) : wire, NOW));

        // Assess
        expect(line).not.toContain(record.key);
        expect(line).not.toContain(base64(record.key));
        expect(line.endsWith('\n')).toBe(true);
        expect(line.indexOf('\n')).toBe(line.length - 1);
        const parsed = JSON.parse(line) as ArchiveLine;
        expect(parsed).toEqual(expectedLine(record));
        // Field order is part of the format: the header first, then the fields the record kind carries.
        expect(Object.keys(parsed).slice(0, 4)).toEqual(['v', 'viewId', 'seq', 't']);
        expect('bpm' in parsed).toBe(!isControlRecord(record));
      }),
      { numRuns: 500 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readingAt, seriesFromReadings } from '../../../src/core/session-series.ts';
import { CSV_HEADER, toCsv } from '../../../src/lib/export/export-csv.ts';
import { parseRfc4180 } from './support/rfc4180.ts';
import { SESSION_START, seriesArb } from './support/series-arbitrary.ts';

describe('toCsv', () => {
  it('writes one RFC 4180 row per reading that reads back to the same reading', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        // Act
        const rows = parseRfc4180(toCsv(series));

        // Assess
        expect(rows[0]).toEqual([...CSV_HEADER]);
        expect(rows).toHaveLength(series.length + 1);
        rows.slice(1).forEach((row, i) => {
          const reading = readingAt(series, i);
          const [time, epoch, bpm, rr, contact, energy] = row;
          expect(row).toHaveLength(CSV_HEADER.length);
          expect(Date.parse(time ?? '')).toBe(reading.t);
          expect(Number(epoch)).toBe(reading.t);
          expect(Number(bpm)).toBe(reading.bpm);
          expect(rr === '' ? [] : rr?.split(' ').map(Number)).toEqual(reading.rrMs);
          expect(contact).toBe(reading.contact === 'unsupported' ? '' : reading.contact);
          expect(energy === '' ? undefined : Number(energy)).toBe(reading.energyKj);
        });
      }),
    );
  });

  it('writes ISO times in UTC and leaves the unknown fields empty', () => {
    // Prepare
    const series = seriesFromReadings([
      { t: SESSION_START, bpm: 72, contact: 'detected', energyKj: 12, rrMs: [810, 822] },
      { t: SESSION_START + 1000, bpm: 0, contact: 'unsupported', rrMs: [] },
    ]);

    // Act
    const csv = toCsv(series);

    // Assess
    expect(csv).toBe(
      'time_utc,epoch_ms,bpm,rr_ms,contact,energy_kj\r\n' +
        '2026-11-30T17:45:00.000Z,1796060700000,72,810 822,detected,12\r\n' +
        '2026-11-30T17:45:01.000Z,1796060701000,0,,,\r\n',
    );
  });

  it('leaves out a reading whose time no file can carry, and keeps the rest', () => {
    // Prepare
    const series = seriesFromReadings([
      { t: Number.NaN, bpm: 70, contact: 'detected', rrMs: [] },
      { t: 0, bpm: 71, contact: 'detected', rrMs: [] },
      { t: SESSION_START, bpm: 72, contact: 'detected', rrMs: [] },
    ]);

    // Act
    const rows = parseRfc4180(toCsv(series));

    // Assess
    expect(rows.slice(1).map((row) => row[2])).toEqual(['72']);
  });
});

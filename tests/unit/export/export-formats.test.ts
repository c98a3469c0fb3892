import { Decoder, Stream } from '@garmin/fitsdk';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { seriesFromReadings } from '../../../src/core/session-series.ts';
import { buildExport, EXPORT_FORMATS, exportFileName } from '../../../src/lib/export/export-formats.ts';
import { SESSION_START } from './support/series-arbitrary.ts';

const series = seriesFromReadings([
  { t: SESSION_START + 1000, bpm: 72, contact: 'detected', energyKj: 3, rrMs: [830] },
  { t: SESSION_START + 2000, bpm: 74, contact: 'detected', rrMs: [810, 812] },
]);

function localName(extension: string): string {
  // The test's own reading of the start in local time, so it holds in any time zone the suite runs in.
  const d = new Date(SESSION_START);
  const p = (n: number) => String(n).padStart(2, '0');
  return `liveheartrate-${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}.${extension}`;
}

describe('export formats', () => {
  it('offers CSV, TCX, FIT and RR text, with visible labels', () => {
    // Act, Assess
    expect(EXPORT_FORMATS.map((f) => [f.id, f.label, f.extension])).toEqual([
      ['csv', 'CSV', 'csv'],
      ['tcx', 'TCX', 'tcx'],
      ['fit', 'FIT', 'fit'],
      ['rr', 'RR text', 'txt'],
    ]);
  });

  it('names the file after the session start in local time', () => {
    // Act, Assess
    expect(exportFileName(SESSION_START, 'csv')).toBe(localName('csv'));
    expect(exportFileName(new Date(2026, 0, 5, 7, 3).getTime(), 'fit')).toBe('liveheartrate-2026-01-05-0703.fit');
  });

  it('builds each format into a file its own reader accepts', async () => {
    // Act
    const files = await Promise.all(EXPORT_FORMATS.map((format) => buildExport(format, series, { startedAt: SESSION_START })));

    // Assess
    const [csv, tcx, fit, rr] = files;
    expect(files.map((f) => f.fileName)).toEqual(['csv', 'tcx', 'fit', 'txt'].map(localName));
    expect(csv?.data).toMatch(/^time_utc,epoch_ms,bpm,rr_ms,contact,energy_kj\r\n/);
    expect(XMLValidator.validate(tcx?.data as string)).toBe(true);
    expect(fit?.data).toBeInstanceOf(Uint8Array);
    expect(new Decoder(Stream.fromByteArray(Array.from(fit?.data as Uint8Array))).checkIntegrity()).toBe(true);
    expect(rr?.data).toBe('830\n810\n812\n');
  });
});

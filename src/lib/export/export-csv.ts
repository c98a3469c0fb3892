// The session as CSV (RFC 4180: comma separated, CRLF line ends, a header row), one row per reading, for a
// spreadsheet or a script. RR intervals sit space-separated inside one field so a row stays one reading. Every
// field is a number, a time or a fixed word, so none ever needs quotes; add quoting with the first free-text column.
import type { SessionSeries } from '../../core/session-series.ts';
import { readingAt } from '../../core/session-series.ts';
import { isExportableTime } from './export-readings.ts';

export const CSV_HEADER = ['time_utc', 'epoch_ms', 'bpm', 'rr_ms', 'contact', 'energy_kj'] as const;

const CONTACT_TEXT = { detected: 'detected', 'not-detected': 'not-detected', unsupported: '' } as const;

/** Readings without a usable time (a broken clock) are left out: a row must say when it was. */
export function toCsv(series: SessionSeries): string {
  const lines = [CSV_HEADER.join(',')];
  for (let i = 0; i < series.length; i++) {
    const r = readingAt(series, i);
    if (!isExportableTime(r.t)) continue;
    const fields = [new Date(r.t).toISOString(), String(r.t), String(r.bpm), r.rrMs.join(' '), CONTACT_TEXT[r.contact], r.energyKj === undefined ? '' : String(r.energyKj)];
    lines.push(fields.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}

// The four export formats as the menu offers them: label, file name, media type and how each file is built.
// FIT loads Garmin's SDK on first use (a dynamic import), so the app's first load does not carry it.
import type { SessionSeries } from '../../core/session-series.ts';
import { toCsv } from './export-csv.ts';
import type { ExportMeta } from './export-readings.ts';
import { toRrText } from './export-rr.ts';
import type { ExportFile } from './save-export.ts';
import { toTcx } from './export-tcx.ts';

export type ExportFormatId = 'csv' | 'tcx' | 'fit' | 'rr';

interface ExportFormat {
  id: ExportFormatId;
  label: string;
  extension: string;
  mimeType: string;
  build(series: SessionSeries, meta: ExportMeta): Promise<string | Uint8Array>;
}

export const EXPORT_FORMATS: readonly ExportFormat[] = [
  { id: 'csv', label: 'CSV', extension: 'csv', mimeType: 'text/csv', build: async (series) => toCsv(series) },
  { id: 'tcx', label: 'TCX', extension: 'tcx', mimeType: 'application/vnd.garmin.tcx+xml', build: async (series, meta) => toTcx(series, meta) },
  {
    id: 'fit',
    label: 'FIT',
    extension: 'fit',
    mimeType: 'application/vnd.ant.fit',
    build: async (series, meta) => (await import('./export-fit.ts')).toFit(series, meta),
  },
  { id: 'rr', label: 'RR text', extension: 'txt', mimeType: 'text/plain', build: async (series) => toRrText(series) },
];

/** The file for one format, named after the session's start in local time: liveheartrate-2026-11-30-1745.csv. */
export async function buildExport(format: ExportFormat, series: SessionSeries, meta: ExportMeta): Promise<ExportFile> {
  return { fileName: exportFileName(meta.startedAt, format.extension), mimeType: format.mimeType, data: await format.build(series, meta) };
}

export function exportFileName(startedAt: number, extension: string): string {
  const start = new Date(startedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  return `liveheartrate-${start.getFullYear()}-${two(start.getMonth() + 1)}-${two(start.getDate())}-${two(start.getHours())}${two(start.getMinutes())}.${extension}`;
}

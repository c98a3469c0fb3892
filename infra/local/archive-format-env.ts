import type { ArchiveFormat } from './archive-files.ts';

const FORMATS: readonly ArchiveFormat[] = ['parquet', 'json'];

/** LHR_ARCHIVE_FORMAT: the fallback when unset or empty, an error naming the variable when not a format. */
export function readArchiveFormat(env: NodeJS.ProcessEnv, fallback: ArchiveFormat = 'parquet'): ArchiveFormat {
  const raw = env['LHR_ARCHIVE_FORMAT'];
  if (raw === undefined || raw === '') return fallback;
  const format = FORMATS.find((f) => f === raw);
  if (format === undefined) throw new Error(`LHR_ARCHIVE_FORMAT must be ${FORMATS.join(' or ')}, got "${raw}"`);
  return format;
}

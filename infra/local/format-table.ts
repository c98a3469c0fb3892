// Query results as a plain text table for a terminal: a header, a rule, one line per row, numbers right-aligned.
import type { Json } from '@duckdb/node-api';
import type { QueryResult } from './archive-query.ts';

const cellText = (value: Json): string => (value === null ? 'NULL' : typeof value === 'object' ? JSON.stringify(value) : String(value));
const looksNumeric = (text: string): boolean => /^-?\d+(\.\d+)?$/.test(text);

export function formatTable({ columns, rows }: QueryResult): string {
  const cells = rows.map((row) => row.map(cellText));
  const widths = columns.map((name, i) => Math.max(name.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (texts: readonly string[]): string =>
    texts.map((text, i) => (looksNumeric(text) ? text.padStart(widths[i] ?? 0) : text.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  const count = `(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`;
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line), count].join('\n');
}

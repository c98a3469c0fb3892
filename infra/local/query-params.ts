// A named query's parameters from `npm run query` flags (--view, --from, --to, --max-hr), checked before
// DuckDB sees them, in the order of the SQL's `?`.
import type { NamedQuerySpec, QueryParam } from '../../src/core/archive-queries.ts';
import { DEFAULT_MAX_HR } from '../../src/core/zones.ts';
import type { DayRange } from './archive-listing.ts';

// Without --from/--to every arrival day counts; max HR falls back to the app's default, as the live view does.
const DEFAULTS: Record<string, string> = { from: '0001-01-01', to: '9999-12-31', 'max-hr': String(DEFAULT_MAX_HR) };

/** yyyymmdd of a real calendar day written YYYY-MM-DD, or undefined. */
function dayNumber(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(2000, month - 1, day));
  date.setUTCFullYear(year);
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? year * 10000 + month * 100 + day : undefined;
}

function parseParam(param: QueryParam, text: string): string | number {
  const fail = (expected: string): never => {
    throw new Error(`--${param.name} ${JSON.stringify(text)}: expected ${expected}`);
  };
  switch (param.kind) {
    case 'viewId':
      // A share-link id is unpadded base64url (src/core/session-key.ts).
      return /^[A-Za-z0-9_-]{1,64}$/.test(text) ? text : fail('a view id (the id in a share link)');
    case 'day':
      return dayNumber(text) ?? fail('a day as YYYY-MM-DD');
    case 'integer':
      return /^\d{1,6}$/.test(text) ? Number(text) : fail('a whole number');
  }
}

/** The values to bind, in SQL order; throws naming the flag that is missing or malformed. */
export function namedQueryValues(spec: NamedQuerySpec, flags: Readonly<Record<string, string>>): (string | number)[] {
  return spec.params.map((param) => {
    const text = flags[param.name] ?? DEFAULTS[param.name];
    if (text === undefined) throw new Error(`${spec.id} needs --${param.name} (${param.kind === 'viewId' ? 'the view id in a share link' : param.kind})`);
    return parseParam(param, text);
  });
}

/** The arrival days a named query reads, from its bound values, so the runner opens only those folders. */
export function dayRangeOf(spec: NamedQuerySpec, values: readonly (string | number)[]): DayRange | undefined {
  const days = spec.params.flatMap((param, index) => (param.kind === 'day' ? [Number(values[index])] : []));
  const [from, to] = days;
  return from === undefined || to === undefined ? undefined : { from, to };
}

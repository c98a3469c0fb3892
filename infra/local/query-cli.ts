/**
 * `npm run query -- <named-query> [--view ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--max-hr N]`,
 * `npm run query -- "SELECT … FROM readings"`, `npm run query -- --list`: the archive's named queries (the same
 * SQL as the Athena workgroup's) or any SQL, with DuckDB over LHR_DATA_DIR (default .data). docs/queries.md.
 */
import { resolve } from 'node:path';
import { NAMED_QUERIES } from '../../src/core/archive-queries.ts';
import { runArchiveSql, runNamedQuery, type QueryResult } from './archive-query.ts';
import { formatTable } from './format-table.ts';

const FLAGS = ['view', 'from', 'to', 'max-hr'];

interface Request {
  list: boolean;
  target?: string;
  flags: Record<string, string>;
}

function parseArgs(args: readonly string[]): Request {
  const request: Request = { list: false, flags: {} };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '--list') request.list = true;
    else if (arg.startsWith('--')) {
      const [name = '', inline] = arg.slice(2).split(/=(.*)/s);
      if (!FLAGS.includes(name)) throw new Error(`unknown option ${arg} (options: ${FLAGS.map((f) => `--${f}`).join(' ')}, --list)`);
      const value = inline ?? args[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      request.flags[name] = value;
    } else if (request.target === undefined) request.target = arg;
    else throw new Error(`one query at a time: unexpected ${JSON.stringify(arg)} (quote the SQL as one argument)`);
  }
  return request;
}

function listText(): string {
  return NAMED_QUERIES.map((q) => `${q.id}  ${q.params.map((p) => `--${p.name}`).join(' ')}\n  ${q.description}`).join('\n');
}

/** Progress on stderr: always on a terminal, else only once a query has run longer than half a second. */
function progressReporter(started: number): (percent: number) => void {
  const tty = process.stderr.isTTY;
  let shown = -1;
  return (percent) => {
    const whole = Math.floor(percent);
    if (whole === shown || (!tty && performance.now() - started < 500)) return;
    shown = whole;
    process.stderr.write(tty ? `\rrunning… ${whole}%` : `running… ${whole}%\n`);
  };
}

async function run(request: Request, dataDir: string): Promise<QueryResult | string> {
  if (request.list || request.target === undefined) return listText();
  const onProgress = progressReporter(performance.now());
  // A named query's id is one kebab-case word; anything with a space is SQL.
  if (!/\s/.test(request.target)) {
    const spec = NAMED_QUERIES.find((q) => q.id === request.target);
    if (!spec) throw new Error(`unknown query ${JSON.stringify(request.target)}; named queries: ${NAMED_QUERIES.map((q) => q.id).join(', ')}`);
    return runNamedQuery(spec, request.flags, { dataDir, onProgress });
  }
  if (Object.keys(request.flags).length > 0) throw new Error('options apply to named queries; SQL takes its values inline');
  return runArchiveSql(request.target, { dataDir, onProgress });
}

// Clears the progress line, so neither the table nor an error starts after it.
const clearProgressLine = (): void => {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
};

try {
  const output = await run(parseArgs(process.argv.slice(2)), resolve(process.env['LHR_DATA_DIR'] || '.data')).finally(clearProgressLine);
  console.log(typeof output === 'string' ? output : formatTable(output));
} catch (error) {
  console.error(`query: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}

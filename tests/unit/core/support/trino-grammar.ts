// Athena engine v3 runs Trino: a named query must parse under node-sql-parser's Trino grammar. Its "athena"
// grammar is Presto-era and rejects `?` parameters inside expressions, so Trino is the check that matters.
import sqlParser from 'node-sql-parser';

const parser = new sqlParser.Parser();

/** Throws node-sql-parser's message (line, column, what it expected) when the SQL is not Trino. */
export function parseAsTrino(sql: string): void {
  parser.astify(sql, { database: 'trino' });
}

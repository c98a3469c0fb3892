// The named queries as text: one SQL per query for both engines, Trino grammar, parameters as declared.
// What they compute is asserted on DuckDB over generated archives (tests/integration/local/archive-query.test.ts).
import { describe, expect, it } from 'vitest';
import { NAMED_QUERIES, SESSION_SUMMARY, TIME_IN_ZONES } from '../../../src/core/archive-queries.ts';
import { ARCHIVE_COLUMNS } from '../../../src/core/archive-layout.ts';
import { parseAsTrino } from './support/trino-grammar.ts';

const TABLE = '"db"."readings"';
const cases = NAMED_QUERIES.map((q) => [q.id, q] as const);

describe('named queries', () => {
  it.each(cases)('%s parses under the Trino grammar (Athena engine v3)', (_id, query) => {
    // Act + Assess
    expect(() => parseAsTrino(query.sql(TABLE))).not.toThrow();
  });

  it('the grammar check can fail: DuckDB-only syntax is rejected', () => {
    // Act + Assess: DuckDB's FROM-first and GROUP BY ALL are not Trino
    expect(() => parseAsTrino('FROM readings SELECT t')).toThrow();
    expect(() => parseAsTrino('SELECT viewid, count(*) FROM readings GROUP BY ALL')).toThrow();
  });

  it.each(cases)('%s has one declared parameter per `?`, and the description names each', (_id, query) => {
    // Prepare
    const sql = query.sql(TABLE);

    // Assess
    expect(sql.split('?').length - 1).toBe(query.params.length);
    for (const param of query.params) expect(query.description).toContain(`'${param.name}'`);
  });

  it.each(cases)('%s reads only archive columns and never a write key', (_id, query) => {
    // Prepare
    const sql = query.sql(TABLE);

    // Assess
    expect(sql).not.toMatch(/\bkey\b/);
    expect(sql).toContain(`FROM ${TABLE}`);
    expect(ARCHIVE_COLUMNS.map((c) => c.name)).toEqual(expect.arrayContaining(['viewid', 'seq', 't', 'bpm']));
  });

  it.each(cases)('%s counts each (viewid, seq) once and bounds the scan by arrival day', (_id, query) => {
    // Prepare
    const sql = query.sql(TABLE);

    // Assess
    expect(sql).toMatch(query.params[0]?.kind === 'viewId' ? /viewid = \?[^]*GROUP BY seq\b/ : /GROUP BY viewid, seq\b/);
    expect(sql).toContain('year * 10000 + month * 100 + day BETWEEN ? AND ?');
  });

  it('ids are unique kebab-case CLI names', () => {
    // Prepare
    const ids = NAMED_QUERIES.map((q) => q.id);

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
  });

  it('selects one session by view id', () => {
    // Assess
    for (const query of [SESSION_SUMMARY, TIME_IN_ZONES]) {
      expect(query.sql(TABLE)).toContain('viewid = ?');
      expect(query.params[0]).toEqual({ name: 'view', kind: 'viewId' });
    }
  });

  it('puts zones at 50/60/70/80/90 % of max HR with integer arithmetic and caps gaps at 5 s, as src/core/zones.ts', () => {
    // Prepare
    const sql = TIME_IN_ZONES.sql(TABLE);

    // Assess
    expect(sql).toContain('WHEN bpm * 100 >= max_hr * 90 THEN 5');
    expect(sql).toContain('WHEN bpm * 100 >= max_hr * 50 THEN 1');
    expect(sql.indexOf('THEN 5')).toBeLessThan(sql.indexOf('THEN 1'));
    expect(sql).toContain('least(gap_ms, 5000)');
  });
});

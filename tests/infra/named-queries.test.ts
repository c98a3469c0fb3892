// The workgroup's saved queries are the archive's named queries (src/core/archive-queries.ts): the batch layer
// turns each into a CfnNamedQuery. They must parse as Trino, take the declared parameters and never read a key.
import { describe, expect, it } from 'vitest';
import { NAMED_QUERIES } from '../../src/core/archive-queries.ts';
import { parseAsTrino } from '../unit/core/support/trino-grammar.ts';

const TABLE = '"db"."readings"';

describe('saved Athena queries', () => {
  it('are the four named queries of `npm run query`', () => {
    // Assess
    expect(NAMED_QUERIES.map((q) => q.id)).toEqual(['session-summary', 'daily-statistics', 'time-in-zones', 'sessions']);
  });

  it.each(NAMED_QUERIES.map((q) => [q.id, q] as const))('%s parses as Trino, with one `?` per parameter and no key', (_id, query) => {
    // Prepare
    const sql = query.sql(TABLE);

    // Assess
    expect(() => parseAsTrino(sql)).not.toThrow();
    expect(sql.split('?').length - 1).toBe(query.params.length);
    expect(sql).not.toMatch(/\bkey\b/);
  });
});

// The saved Athena queries: built from the app's own constants, keyed by view id rather than write key, and
// never returning the key.
import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createWriteKey, deriveViewId } from '../../src/core/session-key.ts';
import { DAILY_STATISTICS, NAMED_QUERIES, SESSION_SUMMARY, TIME_IN_ZONES, VIEW_ID_SQL } from '../../infra/cdk/analytics/named-queries.ts';

const TABLE = '"db"."readings"';

/** VIEW_ID_SQL step by step, as Trino evaluates it; Java's URL-safe Base64 encoder pads with "=". */
function viewIdAsTrinoComputesIt(key: string): string {
  const digest = createHash('sha256').update(Buffer.from(`liveheartrate/view/v1:${key}`, 'utf8')).digest(); // sha256(to_utf8(...))
  const first16 = digest.subarray(0, 16); // substr(…, 1, 16): 1-based
  const padded = first16.toString('base64').replace(/\+/g, '-').replace(/\//g, '_'); // to_base64url
  return padded.replace(/=/g, ''); // replace(…, '=')
}

describe('VIEW_ID_SQL', () => {
  it('spells the same derivation as the app: sha256 over the domain-separated key, 16 bytes, unpadded base64url', () => {
    expect(VIEW_ID_SQL).toBe("replace(to_base64url(substr(sha256(to_utf8('liveheartrate/view/v1:' || key)), 1, 16)), '=')");
  });

  it('gives the share-link id for any key, padding removed', () => {
    for (let i = 0; i < 200; i++) {
      const key = createWriteKey((n) => new Uint8Array(randomBytes(n)));
      expect(viewIdAsTrinoComputesIt(key)).toBe(deriveViewId(key));
    }
  });
});

/** The columns the query returns: the last top-level SELECT list. */
function outputColumns(sql: string): string {
  const lastSelect = sql.lastIndexOf('\nSELECT');
  return sql.slice(lastSelect, sql.indexOf('\nFROM', lastSelect));
}

describe('named queries', () => {
  it.each(NAMED_QUERIES.map((q) => [q.name, q] as const))('%s never returns the write key', (_name, query) => {
    const columns = outputColumns(query.sql(TABLE));
    expect(columns.length).toBeGreaterThan(10);
    expect(columns).not.toMatch(/(SELECT|,)\s*key\s*(,|$|AS)/m);
    expect(columns).not.toMatch(/\bkey\b(?!\))/);
  });

  it.each([
    [SESSION_SUMMARY, 3],
    [DAILY_STATISTICS, 2],
    [TIME_IN_ZONES, 4],
  ])('%# takes as many parameters as its description lists', (query, count) => {
    expect(query.sql(TABLE).split('?').length - 1).toBe(count);
    expect(query.description.split('Parameters:')[1]?.match(/'[^']+'|max HR/g)).toHaveLength(count);
  });

  it('selects one session by view id, never by key', () => {
    for (const query of [SESSION_SUMMARY, TIME_IN_ZONES]) {
      expect(query.sql(TABLE)).toContain(`${VIEW_ID_SQL} = ?`);
      expect(query.sql(TABLE)).not.toMatch(/\bkey\s*=/);
    }
  });

  it('bounds every scan by arrival day (partition projection) and counts each (session, seq) once', () => {
    for (const query of NAMED_QUERIES) {
      const sql = query.sql(TABLE);
      expect(sql).toContain('dt BETWEEN ? AND ?');
      expect(sql).toMatch(/GROUP BY (key, )?seq/);
      expect(sql).toContain(`FROM ${TABLE}`);
    }
  });

  it('puts zones at 50/60/70/80/90 % of max HR with integer arithmetic and caps gaps at 5 s, as src/core/zones.ts', () => {
    const sql = TIME_IN_ZONES.sql(TABLE);
    expect(sql).toContain('WHEN bpm * 100 >= max_hr * 90 THEN 5');
    expect(sql).toContain('WHEN bpm * 100 >= max_hr * 50 THEN 1');
    expect(sql.indexOf('THEN 5')).toBeLessThan(sql.indexOf('THEN 1'));
    expect(sql).toContain('least(gap_ms, 5000)');
  });
});

// The named queries are listed once in code; docs/queries.md's table must name exactly those, with their
// parameters in `?` order, so a new or changed query cannot ship undocumented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAMED_QUERIES } from '../../../src/core/archive-queries.ts';

describe('docs/queries.md', () => {
  it('lists every named query with its parameters in order', () => {
    // Prepare
    const doc = readFileSync(new URL('../../../docs/queries.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## The named queries'), doc.indexOf('\n## ', doc.indexOf('## The named queries') + 1));

    // Act: id and parameter cells of each table row
    const documented = section
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => {
        const [, id = '', params = ''] = line.split('|');
        return [id.trim().replaceAll('`', ''), params.trim()];
      });

    // Assess
    expect(documented).toEqual(NAMED_QUERIES.map((q) => [q.id, q.params.map((p) => p.name).join(', ')]));
  });
});

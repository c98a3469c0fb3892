// The drop reasons are listed once in code (core's DROP_REASONS plus the consumer's own); the docs table that
// explains them must name exactly those, so a new reason cannot ship undocumented.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONSUMER_DROP_REASONS } from '../../../functions/consumer/drop-counts.ts';

describe('docs/speed-layer.md', () => {
  it('explains exactly the drop reasons the consumer counts', () => {
    // Prepare
    const doc = readFileSync(new URL('../../../docs/speed-layer.md', import.meta.url), 'utf8');
    const consumerSection = doc.slice(doc.indexOf('## Consumer'), doc.indexOf('\n## ', doc.indexOf('## Consumer') + 1));

    // Act: the first cell of each table row, which may name several reasons in backticks.
    const documented = consumerSection
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .flatMap((line) => [...(line.split('|')[1] ?? '').matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]));

    // Assess
    expect([...documented].sort()).toEqual([...CONSUMER_DROP_REASONS].sort());
  });
});

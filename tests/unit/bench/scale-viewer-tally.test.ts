import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeqTally } from '../../bench/scale-viewer.ts';

describe('SeqTally', () => {
  it('counts each seq once, the repeats as duplicates, and splits them at any bound', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 5_000 }), { maxLength: 300 }), fc.nat({ max: 5_100 }), (seqs, bound) => {
        // Prepare
        const tally = new SeqTally();
        // Act
        const firsts = seqs.filter((seq) => tally.add(seq));
        // Assess: against a Set of the same seqs
        const distinct = new Set(seqs);
        expect(firsts).toEqual([...distinct]);
        expect(tally.duplicates).toBe(seqs.length - distinct.size);
        expect(tally.countBelow(bound)).toBe([...distinct].filter((seq) => seq < bound).length);
        expect(tally.countFrom(bound)).toBe([...distinct].filter((seq) => seq >= bound).length);
      }),
    );
  });
});

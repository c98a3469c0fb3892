import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from '../../../src/core/utf8-length.ts';

describe('utf8ByteLength', () => {
  it.each([
    { s: '', bytes: 0 },
    { s: 'abc', bytes: 3 },
    { s: 'é', bytes: 2 },
    { s: '€', bytes: 3 },
    { s: '❤️', bytes: 6 },
    { s: '🫀', bytes: 4 },
    { s: '\uD800', bytes: 3 }, // lone high surrogate → U+FFFD
    { s: '\uDC00x', bytes: 4 }, // lone low surrogate, then ASCII
  ])('$s is $bytes bytes', ({ s, bytes }) => {
    expect(utf8ByteLength(s)).toBe(bytes);
  });

  it('counts a string of mixed widths as the sum of its characters', () => {
    const s = 'a'.repeat(1_000) + 'é'.repeat(1_000) + '€'.repeat(1_000) + '🫀'.repeat(1_000);

    const bytes = utf8ByteLength(s);

    expect(bytes).toBe(1_000 * (1 + 2 + 3 + 4));
  });
});

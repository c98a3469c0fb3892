import { describe, expect, it } from 'vitest';
import { utf8ByteLength } from '../../../src/core/utf8-length.ts';
import { createPrng, randomInt } from './support/prng.ts';

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

  it('agrees with TextEncoder on random strings across the whole UTF-16 range', () => {
    const random = createPrng(8);
    const encoder = new TextEncoder();
    for (let i = 0; i < 2_000; i++) {
      // ASCII, anything in UTF-16 (including lone surrogates), and well-formed surrogate pairs.
      const units = Array.from({ length: randomInt(random, 0, 40) }, () => {
        const roll = random();
        if (roll < 0.4) return [randomInt(random, 0, 0x7f)];
        if (roll < 0.8) return [randomInt(random, 0, 0xffff)];
        return [randomInt(random, 0xd800, 0xdbff), randomInt(random, 0xdc00, 0xdfff)];
      }).flat();
      const s = String.fromCharCode(...units);

      const ours = utf8ByteLength(s);

      if (ours !== encoder.encode(s).length) expect.fail(`${JSON.stringify(s)}: ${ours} !== ${encoder.encode(s).length}`);
    }
  });
});

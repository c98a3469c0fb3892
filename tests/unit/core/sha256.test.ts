import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../../src/core/sha256.ts';
import { createPrng, randomBytes, randomInt } from './support/prng.ts';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

describe('sha256: FIPS 180-4 / NIST test vectors', () => {
  it.each([
    { name: 'empty', input: '', digest: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
    { name: '"abc"', input: 'abc', digest: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad' },
    {
      name: '448-bit message',
      input: 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq',
      digest: '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    },
    {
      name: '896-bit message',
      input:
        'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
      digest: 'cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1',
    },
  ])('$name', ({ input, digest }) => {
    const result = sha256(ascii(input));

    expect(hex(result)).toBe(digest);
  });

  it('one million "a"', () => {
    const input = new Uint8Array(1_000_000).fill(0x61);

    const result = sha256(input);

    expect(hex(result)).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
});

describe('sha256: agrees with node:crypto', () => {
  it('on every length around the padding boundaries', () => {
    // Prepare: lengths 0..200 cross the 55/56 and 64-byte edges where the length field spills into a new block.
    const random = createPrng(256);
    for (let length = 0; length <= 200; length++) {
      const input = randomBytes(random, length);

      // Act
      const ours = hex(sha256(input));

      // Assess
      const reference = createHash('sha256').update(input).digest('hex');
      if (ours !== reference) expect.fail(`length ${length}: ${ours} !== ${reference}`);
    }
  });

  it('on 2,000 random inputs up to 1,000 bytes', () => {
    const random = createPrng(0x5a256);
    let compared = 0;
    for (let i = 0; i < 2_000; i++) {
      const input = randomBytes(random, randomInt(random, 0, 1_000));

      const ours = hex(sha256(input));

      const reference = createHash('sha256').update(input).digest('hex');
      if (ours !== reference) expect.fail(`input ${hex(input)}: ${ours} !== ${reference}`);
      compared++;
    }
    expect(compared).toBe(2_000);
  });

  it('does not modify its input and hashes a subarray view by its own bytes', () => {
    const backing = Uint8Array.from([1, 2, 3, 4, 5, 6]);
    const view = backing.subarray(2, 5);

    const result = sha256(view);

    expect(hex(result)).toBe(createHash('sha256').update(Uint8Array.from([3, 4, 5])).digest('hex'));
    expect(Array.from(backing)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

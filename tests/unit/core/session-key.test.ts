import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { encodeBase64Url } from '../../../src/core/base64url.ts';
import {
  createViewIdCache,
  createWriteKey,
  derivePartitionKey,
  deriveViewId,
  isViewId,
  isWriteKey,
} from '../../../src/core/session-key.ts';

function referenceHash(domain: string, input: string): string {
  return createHash('sha256').update(`${domain}${input}`).digest().subarray(0, 16).toString('base64url');
}

function referenceViewId(writeKey: string): string {
  return referenceHash('liveheartrate/view/v1:', writeKey);
}

function referencePartitionKey(writeKey: string): string {
  return referenceHash('liveheartrate/partition/v1:', writeKey);
}

const randomWriteKeys = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => createWriteKey(() => bytes));

describe('encodeBase64Url', () => {
  it('agrees with Buffer base64url on any bytes up to 40 long', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (input) => {
        const ours = encodeBase64Url(input);

        expect(ours).toBe(Buffer.from(input).toString('base64url'));
      }),
    );
  });

  it('encodes a subarray view by its own bytes', () => {
    const view = Uint8Array.from([0, 0xfb, 0xff, 0xbf, 0]).subarray(1, 4);

    const ours = encodeBase64Url(view);

    expect(ours).toBe('-_-_');
  });

  it('encodes a megabyte without overflowing the call stack', () => {
    const input = new Uint8Array(1 << 20).fill(0xff);

    const ours = encodeBase64Url(input);

    expect(ours).toBe(Buffer.from(input).toString('base64url'));
  });

  it('uses the URL-safe alphabet', () => {
    const ours = encodeBase64Url(Uint8Array.from([0xfb, 0xff, 0xbf]));

    expect(ours).toBe('-_-_');
  });
});

describe('createWriteKey', () => {
  it('encodes 16 random bytes as 22 base64url characters without padding', () => {
    const source = vi.fn((n: number) => new Uint8Array(n).map((_, i) => i));

    const key = createWriteKey(source);

    expect(source).toHaveBeenCalledWith(16);
    expect(key).toBe('AAECAwQFBgcICQoLDA0ODw');
    expect(isWriteKey(key)).toBe(true);
  });

  it('uses crypto.getRandomValues by default and gives distinct valid keys', () => {
    const keys = new Set(Array.from({ length: 1_000 }, () => createWriteKey()));

    expect(keys.size).toBe(1_000);
    for (const key of keys) expect(isWriteKey(key)).toBe(true);
  });

  it('refuses a random source that returns the wrong number of bytes', () => {
    const short = (n: number): Uint8Array => new Uint8Array(n - 1);

    expect(() => createWriteKey(short)).toThrow(RangeError);
  });
});

describe('deriveViewId', () => {
  it('matches fixed vectors (cite these when deriving view ids elsewhere)', () => {
    expect(deriveViewId('AAAAAAAAAAAAAAAAAAAAAA')).toBe('8XT7-sA9R1Mt278omjs6rA');
    expect(deriveViewId('AAECAwQFBgcICQoLDA0ODw')).toBe('ojf1uNQ66oYaVfFi_wsTGA');
  });

  it('matches node:crypto for 500 random write keys and is itself a valid id', () => {
    fc.assert(
      fc.property(randomWriteKeys, (key) => {
        const viewId = deriveViewId(key);

        expect(viewId).toBe(referenceViewId(key));
        expect(isViewId(viewId)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('matches node:crypto for any string, including non-ASCII and lone surrogates', () => {
    // Single UTF-16 units give lone surrogates; 'binary' code points give well-formed pairs.
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0xffff }).map((u) => String.fromCharCode(u)),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );

    fc.assert(
      fc.property(fc.string({ unit, maxLength: 100 }), (s) => {
        expect(deriveViewId(s)).toBe(referenceViewId(s));
      }),
    );
  });

  it('differs from the write key and between keys', () => {
    const a = deriveViewId('AAAAAAAAAAAAAAAAAAAAAA');

    const b = deriveViewId('AAAAAAAAAAAAAAAAAAAAAQ');

    expect(a).not.toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(a).not.toBe(b);
  });

  it('hashes non-ASCII input as UTF-8 without throwing', () => {
    expect(deriveViewId('ключ')).toBe(referenceViewId('ключ'));
  });
});

describe('derivePartitionKey', () => {
  it('matches fixed vectors', () => {
    // Act
    const keys = [derivePartitionKey('AAAAAAAAAAAAAAAAAAAAAA'), derivePartitionKey('AAECAwQFBgcICQoLDA0ODw')];

    // Assess
    expect(keys).toEqual(['ZfpbczG7o33_uq4qOlWRjw', 'tgST9ksA3tyYBWpgiSXHmg']);
  });

  it('is deterministic per write key, so a session stays on one shard', () => {
    // Prepare
    const key = createWriteKey();

    // Act
    const first = derivePartitionKey(key);
    const second = derivePartitionKey(key);

    // Assess
    expect(second).toBe(first);
    expect(derivePartitionKey(createWriteKey())).not.toBe(first);
  });

  it('differs from the write key and from the view id', () => {
    // Prepare
    const key = 'AAECAwQFBgcICQoLDA0ODw';

    // Act
    const partitionKey = derivePartitionKey(key);

    // Assess
    expect(partitionKey).not.toBe(key);
    expect(partitionKey).not.toBe(deriveViewId(key));
  });

  it('for random write keys matches node:crypto and cannot be computed from the view id alone', () => {
    fc.assert(
      fc.property(randomWriteKeys, (key) => {
        // Act
        const partitionKey = derivePartitionKey(key);
        const viewId = deriveViewId(key);

        // Assess: what a link holder could compute from the view id is neither the id itself, nor the id
        // hashed under the partition domain, nor the id hashed again under the view domain.
        expect(partitionKey).toBe(referencePartitionKey(key));
        expect(partitionKey).not.toBe(viewId);
        expect(partitionKey).not.toBe(derivePartitionKey(viewId));
        expect(partitionKey).not.toBe(deriveViewId(viewId));
        expect(partitionKey).not.toBe(key);
      }),
      { numRuns: 500 },
    );
  });
});

describe('isWriteKey / isViewId', () => {
  it.each([
    'AAAAAAAAAAAAAAAAAAAAAA',
    'AAAAAAAAAAAAAAAAAAAAAQ',
    'zzzzzzzzzzzzzzzzzzzzzg',
    '-_-_-_-_-_-_-_-_-_-_-w',
  ])('accepts %s', (s) => {
    expect(isWriteKey(s)).toBe(true);
    expect(isViewId(s)).toBe(true);
  });

  it.each([
    { name: 'too short', s: 'AAAAAAAAAAAAAAAAAAAAA' },
    { name: 'too long', s: 'AAAAAAAAAAAAAAAAAAAAAAA' },
    { name: 'padded', s: 'AAAAAAAAAAAAAAAAAAAAAA==' },
    { name: 'standard base64 alphabet', s: 'AAAAAAAAAAAAAAAAAAA+/A' },
    { name: 'non-canonical last char B', s: 'AAAAAAAAAAAAAAAAAAAAAB' },
    { name: 'non-canonical last char _', s: 'AAAAAAAAAAAAAAAAAAAAA_' },
    { name: 'trailing newline', s: 'AAAAAAAAAAAAAAAAAAAAAA\n' },
    { name: 'empty', s: '' },
  ])('rejects $name', ({ s }) => {
    expect(isWriteKey(s)).toBe(false);
    expect(isViewId(s)).toBe(false);
  });

  it.each([null, undefined, 42, {}, ['AAAAAAAAAAAAAAAAAAAAAA']])('rejects non-string %j', (value) => {
    expect(isWriteKey(value)).toBe(false);
    expect(isViewId(value)).toBe(false);
  });

  it('accepts exactly the 4 canonical endings out of all 64 characters', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

    const accepted = [...alphabet].filter((last) => isWriteKey(`${'x'.repeat(21)}${last}`));

    expect(accepted.join('')).toBe('AQgw');
  });
});

describe('createViewIdCache', () => {
  it('returns the same view id as deriveViewId', () => {
    const viewIdOf = createViewIdCache(4);

    expect(viewIdOf('AAECAwQFBgcICQoLDA0ODw')).toBe('ojf1uNQ66oYaVfFi_wsTGA');
    expect(viewIdOf('AAECAwQFBgcICQoLDA0ODw')).toBe('ojf1uNQ66oYaVfFi_wsTGA');
  });

  it('stays bounded and evicts the least recently used key', () => {
    // Prepare
    const derive = vi.fn((key: string) => `view-of-${key}`);
    const viewIdOf = createViewIdCache(2, derive);

    // Act: a, b fill the cache; touching a makes b the oldest; c evicts b.
    viewIdOf('a');
    viewIdOf('b');
    viewIdOf('a');
    viewIdOf('c');
    const derivedBeforeHits = derive.mock.calls.length;
    const hits = [viewIdOf('a'), viewIdOf('c')];
    const derivedAfterHits = derive.mock.calls.length;
    viewIdOf('b');

    // Assess
    expect(derivedBeforeHits).toBe(3);
    expect(hits).toEqual(['view-of-a', 'view-of-c']);
    expect(derivedAfterHits).toBe(3);
    expect(derive.mock.calls.map(([key]) => key)).toEqual(['a', 'b', 'c', 'b']);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects size %s', (size) => {
    expect(() => createViewIdCache(size)).toThrow(RangeError);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../../src/core/base64url.ts';
import { PUSH_NAMESPACE, pushChannelOf } from '../../../src/core/push-channel-name.ts';

const viewIdBytes = fc.uint8Array({ minLength: 16, maxLength: 16 });

describe('pushChannelOf', () => {
  it('is the namespace and the view id bytes in hex, for any view id', () => {
    fc.assert(
      fc.property(viewIdBytes, (bytes) => {
        // Prepare
        const viewId = encodeBase64Url(bytes);

        // Act
        const channel = pushChannelOf(viewId);

        // Assess: the bytes back, so two view ids never share a channel; only characters a segment may hold.
        expect(channel).toBe(`/${PUSH_NAMESPACE}/${Buffer.from(bytes).toString('hex')}`);
        expect(channel).toMatch(/^\/live\/[0-9a-f]{32}$/);
      }),
    );
  });

  it('refuses anything but a canonical view id', () => {
    // Prepare: a wildcard, a path, a non-canonical last character, a write-key-length string with '.'.
    const bad = ['*', 'abc/def', 'AAAAAAAAAAAAAAAAAAAAAB', 'AAAAAAAAAAAAAAAAAAAA.A'];

    // Act / Assess
    for (const value of bad) expect(() => pushChannelOf(value)).toThrow('not a view id');
  });
});

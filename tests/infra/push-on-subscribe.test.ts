// The push namespace's onSubscribe handler (infra/cdk/push/on-subscribe.js), run in Node against a stand-in of the
// APPSYNC_JS `util` (whose unauthorized() ends the handler with an error, refusing the subscription), on the context
// AppSync passes it: the requested channel's path and segments. The stack test checks this file is what deploys.
import { readFileSync } from 'node:fs';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBase64Url } from '../../src/core/base64url.ts';
import { pushChannelOf } from '../../src/core/push-channel-name.ts';
import { ON_SUBSCRIBE_HANDLER } from '../../infra/cdk/paths.ts';

class Unauthorized extends Error {}

/** The handler as AppSync would load it, with `util` from the stand-in in place of the runtime's import. */
function loadOnSubscribe(): (ctx: unknown) => void {
  const source = readFileSync(ON_SUBSCRIBE_HANDLER, 'utf8');
  const importLine = "import { util } from '@aws-appsync/utils';";
  expect(source).toContain(importLine);
  const script = `${source.replace(importLine, '').replace('export function onSubscribe', 'function onSubscribe')}\nonSubscribe;`;
  const util = {
    unauthorized: () => {
      throw new Unauthorized('Unauthorized');
    },
  };
  return runInNewContext(script, { util }) as (ctx: unknown) => void;
}

/** What AppSync passes for a subscription to `path`. */
function contextFor(path: string): unknown {
  return { info: { channel: { path, segments: path.split('/').filter((s) => s !== '') }, channelNamespace: { name: 'live' }, operation: 'SUBSCRIBE' }, identity: null };
}

const onSubscribe = loadOnSubscribe();
const allowed = (path: string): boolean => {
  try {
    onSubscribe(contextFor(path));
    return true;
  } catch (error) {
    if (error instanceof Unauthorized) return false;
    throw error;
  }
};

describe('onSubscribe of the live namespace', () => {
  it("lets through any session's own channel", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => allowed(pushChannelOf(encodeBase64Url(bytes)))));
  });

  it('refuses wildcards, other depths and other spellings', () => {
    // Prepare
    const channel = pushChannelOf(encodeBase64Url(new Uint8Array(16).fill(0xab)));
    const hex = channel.slice('/live/'.length);
    const refused = [
      '/live/*',
      '/*',
      '/live',
      `${channel}/*`,
      `${channel}/more`,
      `/live/${hex.slice(0, 31)}*`,
      `/live/${hex.toUpperCase()}`,
      `/live/${hex.slice(1)}`,
      `/live/${hex}0`,
      `/live/${hex.slice(0, 31)}g`,
      `/other/${hex}`,
    ];

    // Act / Assess
    expect(refused.filter(allowed)).toEqual([]);
  });
});

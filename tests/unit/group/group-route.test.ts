import { describe, expect, it } from 'vitest';
import { MAX_FOLLOWED_SESSIONS } from '../../../src/core/live-events.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { groupLinkFor, parseGroupRoute, parseShareLinks } from '../../../src/lib/group/group-route.ts';

const ids = Array.from({ length: MAX_FOLLOWED_SESSIONS + 2 }, () => deriveViewId(createWriteKey()));
const [A, B] = ids as [string, string];

describe('group route', () => {
  it('reads the view ids of /g?v=…, in order, once each, comma-separated or repeated', () => {
    expect(parseGroupRoute('/g', `?v=${A},${B},${A}&v=nonsense`)).toEqual({ viewIds: [A, B], invalid: 1, overLimit: 0 });
    expect(parseGroupRoute('/g/', '')).toEqual({ viewIds: [], invalid: 0, overLimit: 0 });
    expect(parseGroupRoute('/v/x', `?v=${A}`)).toBeNull();
  });

  it('keeps at most MAX_FOLLOWED_SESSIONS and says how many it left out', () => {
    const route = parseGroupRoute('/g', `?v=${ids.join(',')}`);

    expect(route?.viewIds).toEqual(ids.slice(0, MAX_FOLLOWED_SESSIONS));
    expect(route?.overLimit).toBe(2);
  });

  it('takes pasted share links one per line, bare view ids too, and counts what is not one', () => {
    // Prepare
    const pasted = `https://hr.example/v/${A}\n\n  http://127.0.0.1:5173/v/${B}?overlay  \r\nhttps://hr.example/v/not-an-id\nhello\n${A}`;

    // Act
    const parsed = parseShareLinks(pasted);

    // Assess
    expect(parsed).toEqual({ viewIds: [A, B], invalid: 2, overLimit: 0 });
  });

  it('builds the link that parses back to the same ids', () => {
    const link = new URL(groupLinkFor('https://hr.example', [A, B]));

    expect(parseGroupRoute(link.pathname, link.search)?.viewIds).toEqual([A, B]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LanConfig } from '../../../src/core/runtime-config.ts';
import { chooseShareOrigin, errorNameOf, meansUntrustedCertificate, offersPhoneCard } from '../../../src/lib/lan/lan-page.ts';
import { shareLinkFor } from '../../../src/lib/viewer/view-route.ts';
import { groupLinkFor } from '../../../src/lib/group/group-route.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';

const LAN: LanConfig = { shareOrigin: 'https://192.168.1.20:8443', setupUrl: 'http://192.168.1.20:8081/' };
const LOOPBACK = 'http://127.0.0.1:8080';
const anyOrigin = fc.webUrl({ withQueryParameters: false, withFragments: false }).map((u) => new URL(u).origin);

describe('the share origin in LAN mode', () => {
  it('is the LAN origin whatever page the link is made on, so it opens on a phone on the same network', () => {
    fc.assert(
      fc.property(anyOrigin, (pageOrigin) => {
        expect(chooseShareOrigin(pageOrigin, LAN)).toBe(LAN.shareOrigin);
      }),
    );
  });

  it('is the page’s own origin without LAN mode (loopback, or the CloudFront domain in AWS)', () => {
    fc.assert(
      fc.property(anyOrigin, (pageOrigin) => {
        expect(chooseShareOrigin(pageOrigin, null)).toBe(pageOrigin);
      }),
    );
  });

  it('makes share and group links that start with the LAN origin when made on the loopback page', () => {
    // Prepare
    const viewId = deriveViewId(createWriteKey());
    const origin = chooseShareOrigin(LOOPBACK, LAN);

    // Act
    const share = shareLinkFor(origin, viewId);
    const group = groupLinkFor(origin, [viewId]);

    // Assess
    expect(share).toBe(`https://192.168.1.20:8443/v/${viewId}`);
    expect(group.startsWith('https://192.168.1.20:8443/')).toBe(true);
  });
});

describe('the phone card', () => {
  it('is offered on the loopback page in LAN mode only', () => {
    expect(offersPhoneCard('http:', LAN)).toBe(true);
    expect(offersPhoneCard('http:', null)).toBe(false);
  });

  it('is not offered on the LAN server’s own pages, which are HTTPS, whatever host name they were opened by', () => {
    expect(offersPhoneCard('https:', LAN)).toBe(false);
    expect(offersPhoneCard('https:', null)).toBe(false);
  });
});

describe('an untrusted certificate', () => {
  it('is what a SecurityError means on an HTTPS page in LAN mode', () => {
    expect(meansUntrustedCertificate('https:', LAN, 'SecurityError')).toBe(true);
  });

  it('is not concluded from other errors, from plain-HTTP pages or outside LAN mode', () => {
    fc.assert(
      fc.property(fc.constantFrom('https:', 'http:'), fc.option(fc.string()), fc.boolean(), (protocol, name, lanMode) => {
        const expected = protocol === 'https:' && name === 'SecurityError' && lanMode;

        expect(meansUntrustedCertificate(protocol, lanMode ? LAN : null, name)).toBe(expected);
      }),
    );
    expect(meansUntrustedCertificate('https:', LAN, 'NotAllowedError')).toBe(false);
    expect(meansUntrustedCertificate('https:', LAN, null)).toBe(false);
  });

  it('is judged by the name a browser API rejected with, and nothing else thrown has one', () => {
    expect(errorNameOf(new DOMException('An SSL certificate error occurred when fetching the script.', 'SecurityError'))).toBe('SecurityError');
    expect(errorNameOf(new TypeError('Failed to fetch'))).toBe('TypeError');
    expect(errorNameOf('SecurityError')).toBeNull();
    expect(errorNameOf({ name: 'SecurityError' })).toBeNull();
  });
});

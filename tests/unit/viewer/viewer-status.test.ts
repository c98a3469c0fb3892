import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { msUntilStatusChange, secondsSince, shownStatus } from '../../../src/lib/viewer/viewer-status.ts';
import { sessionStatusOf } from '../../../functions/live-api/session-status.ts';
import type { SessionSnapshot } from '../../../functions/store/live-store.ts';

const NOW = Date.UTC(2026, 10, 28, 12, 0, 0);
const live = (lastReceivedAt: number | null, expiresAt: number | null = null) => ({ remote: 'live' as const, lastReceivedAt, expiresAt });

describe('shownStatus', () => {
  it.each([
    { age: 0, shown: 'live' },
    { age: STALE_AFTER_MS, shown: 'live' },
    { age: STALE_AFTER_MS + 1, shown: 'stale' },
  ])('shows a live session whose newest reading is $age ms old as $shown', ({ age, shown }) => {
    expect(shownStatus(live(NOW - age), NOW)).toBe(shown);
  });

  it('goes stale between answers exactly when the live API would say so', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 20_000 }), (age) => {
        // Prepare: the server's view of the same session
        const session = { lastReceivedAt: NOW - age, lastSeq: 1, endedSeq: null, exp: null, expSetAt: null } as unknown as SessionSnapshot;
        // Act
        const server = sessionStatusOf(session, NOW);
        const page = shownStatus(live(NOW - age), NOW);
        // Assess
        expect(page).toBe(server);
      }),
    );
  });

  it('shows a link expired from its expiry on, unless it was already turned off or unknown', () => {
    expect(shownStatus(live(NOW, NOW + 1), NOW)).toBe('live');
    expect(shownStatus(live(NOW, NOW), NOW)).toBe('expired');
    expect(shownStatus({ remote: 'ended', lastReceivedAt: NOW - 60_000, expiresAt: NOW - 1 }, NOW)).toBe('expired');
    expect(shownStatus({ remote: 'revoked', lastReceivedAt: null, expiresAt: NOW - 1 }, NOW)).toBe('revoked');
    expect(shownStatus({ remote: 'unknown', lastReceivedAt: null, expiresAt: NOW - 1 }, NOW)).toBe('unknown');
  });

  it('leaves every other status as the API said', () => {
    for (const remote of ['connecting', 'offline', 'ended', 'stale'] as const) {
      expect(shownStatus({ remote, lastReceivedAt: NOW - 60_000, expiresAt: null }, NOW)).toBe(remote);
    }
  });
});

describe('secondsSince', () => {
  it('counts whole seconds, never below zero, and nothing before a reading', () => {
    expect(secondsSince(null, NOW)).toBeNull();
    expect(secondsSince(NOW - 3999, NOW)).toBe(3);
    expect(secondsSince(NOW + 500, NOW)).toBe(0);
  });
});

describe('msUntilStatusChange', () => {
  const at = 1_796_040_000_000;

  it('is the next moment the server turns a live session stale or expires its link, counted from the answer', () => {
    // Prepare
    const live = { viewId: 'v', status: 'live' as const, serverTime: at, lastReceivedAt: at - 1_000 };

    // Act + Assess: stale first, then the expiry when it comes first; an ended session only expires.
    expect(msUntilStatusChange(live)).toBe(STALE_AFTER_MS + 1 - 1_000);
    expect(msUntilStatusChange({ ...live, expiresAt: at + 500 })).toBe(500);
    expect(msUntilStatusChange({ ...live, status: 'stale', expiresAt: at + 60_000 })).toBe(60_000);
    expect(msUntilStatusChange({ ...live, status: 'ended', expiresAt: at + 60_000 })).toBe(60_000);
  });

  it('names exactly the moment the server’s own rule changes the status, for any live session and expiry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3_000 }), fc.integer({ min: 1, max: 20_000 }), (age, expiresIn) => {
        // Prepare: the server's view of a live session, and the answer it gives now
        const session = { lastReceivedAt: at - age, lastSeq: 1, endedSeq: null, exp: at + expiresIn, expSetAt: at - 60_000 } as unknown as SessionSnapshot;
        const answer = { viewId: 'v', status: sessionStatusOf(session, at), serverTime: at, lastReceivedAt: at - age, expiresAt: at + expiresIn };

        // Act
        const ms = msUntilStatusChange(answer) as number;

        // Assess: unchanged just before, changed at it
        expect(answer.status).toBe('live');
        expect(sessionStatusOf(session, at + ms - 1)).toBe('live');
        expect(sessionStatusOf(session, at + ms)).not.toBe('live');
      }),
    );
  });

  it('is null when time changes nothing, or when the answer is already past the moment', () => {
    expect(msUntilStatusChange({ viewId: 'v', status: 'stale', serverTime: at, lastReceivedAt: at - 10_000 })).toBeNull();
    expect(msUntilStatusChange({ viewId: 'v', status: 'live', serverTime: at, lastReceivedAt: at - 10_000 })).toBeNull();
    expect(msUntilStatusChange({ viewId: 'v', status: 'expired', serverTime: at, expiresAt: at + 5_000 })).toBeNull();
    expect(msUntilStatusChange({ viewId: 'v', status: 'live', serverTime: at })).toBeNull();
  });
});

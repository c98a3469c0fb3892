import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { secondsSince, shownStatus } from '../../../src/lib/viewer/viewer-status.ts';
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

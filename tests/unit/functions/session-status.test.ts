import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { isViewable, sessionStatusOf } from '../../../functions/live-api/session-status.ts';
import type { SessionSnapshot } from '../../../functions/store/live-store.ts';

const NOW = 1_764_331_200_000;

function session(fields: Partial<SessionSnapshot>): SessionSnapshot {
  return {
    viewId: 'AAAAAAAAAAAAAAAAAAAAAA',
    count: 1,
    firstT: NOW - 1000,
    lastT: NOW - 1000,
    minBpm: 60,
    maxBpm: 60,
    avgBpm: 60,
    lastSeq: 4,
    lastBpm: 60,
    lastReceivedAt: NOW - 500,
    endedSeq: null,
    endedAt: null,
    exp: null,
    expSetAt: null,
    cursor: '1',
    alerts: null,
    name: null,
    maxHr: null,
    ...fields,
  };
}

describe('sessionStatusOf', () => {
  it.each([
    { name: 'no session', s: null, status: 'unknown' },
    { name: 'a recent reading', s: session({}), status: 'live' },
    { name: 'a reading at the threshold', s: session({ lastReceivedAt: NOW - STALE_AFTER_MS }), status: 'live' },
    { name: 'a reading past the threshold', s: session({ lastReceivedAt: NOW - STALE_AFTER_MS - 1 }), status: 'stale' },
    { name: 'only a control record', s: session({ count: 0, lastSeq: null, lastReceivedAt: null, exp: NOW + 1000, expSetAt: NOW }), status: 'stale' },
    { name: 'an end mark after the last reading', s: session({ endedSeq: 5 }), status: 'ended' },
    { name: 'readings after an end mark', s: session({ endedSeq: 3 }), status: 'live' },
    { name: 'an expiry at its own time', s: session({ exp: NOW - 10, expSetAt: NOW - 10 }), status: 'revoked' },
    { name: 'an expiry in the past', s: session({ exp: NOW - 1, expSetAt: NOW - 60_000 }), status: 'expired' },
    { name: 'an expiry now', s: session({ exp: NOW, expSetAt: NOW - 60_000 }), status: 'expired' },
    { name: 'an expiry later', s: session({ exp: NOW + 1, expSetAt: NOW - 60_000 }), status: 'live' },
    { name: 'a revoked and ended session', s: session({ endedSeq: 9, exp: 0, expSetAt: NOW - 10 }), status: 'revoked' },
    { name: 'an expired and ended session', s: session({ endedSeq: 9, exp: NOW - 1, expSetAt: NOW - 60_000 }), status: 'expired' },
  ])('is $status with $name', ({ s, status }) => {
    expect(sessionStatusOf(s, NOW)).toBe(status);
  });

  it('lets viewers see live, stale and ended sessions only', () => {
    expect(['live', 'stale', 'ended', 'revoked', 'expired', 'unknown'].filter((s) => isViewable(s as never))).toEqual(['live', 'stale', 'ended']);
  });
});

import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS, livenessOf } from '../../../src/core/liveness.ts';

describe('livenessOf', () => {
  it('is none before any reading', () => {
    expect(livenessOf(null, 10_000)).toBe('none');
  });

  it.each([
    { age: 0, state: 'live' },
    { age: 1000, state: 'live' },
    { age: STALE_AFTER_MS, state: 'live' },
    { age: STALE_AFTER_MS + 1, state: 'stale' },
    { age: 60_000, state: 'stale' },
    { age: -2000, state: 'live' }, // reading stamped by a clock slightly ahead
  ])('a reading $age ms old is $state', ({ age, state }) => {
    const now = 1_700_000_000_000;

    expect(livenessOf(now - age, now)).toBe(state);
  });

  it('honours a custom threshold', () => {
    expect(livenessOf(0, 1500, 1000)).toBe('stale');
    expect(livenessOf(0, 1500, 2000)).toBe('live');
  });

  it('uses a 3 s default', () => {
    expect(STALE_AFTER_MS).toBe(3000);
  });
});

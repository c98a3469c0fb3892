import { describe, expect, it } from 'vitest';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { receiveTimeOf } from '../../../functions/consumer/receive-time.ts';

const NOW = 1_764_331_200_000;

describe('receiveTimeOf', () => {
  it.each([
    { name: 'no arrival time', arrival: undefined, expected: NOW },
    { name: 'a fresh arrival', arrival: NOW - 1200, expected: NOW },
    { name: 'an arrival at the threshold', arrival: NOW - STALE_AFTER_MS, expected: NOW },
    { name: 'an arrival from the future (clock skew)', arrival: NOW + 500, expected: NOW },
    { name: 'a backlog arrival', arrival: NOW - STALE_AFTER_MS - 1, expected: NOW - STALE_AFTER_MS - 1 },
    { name: 'a non-finite arrival', arrival: Number.NaN, expected: NOW },
  ])('is $expected for $name', ({ arrival, expected }) => {
    expect(receiveTimeOf(arrival, NOW)).toBe(expected);
  });
});

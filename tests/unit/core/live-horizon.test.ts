import { describe, expect, it } from 'vitest';
import { LIVE_HORIZON, clampToLiveHorizon, isWithinLiveHorizon } from '../../../src/core/live-horizon.ts';

const ARRIVED = Date.UTC(2026, 10, 28, 12, 0, 0);
const EARLIEST = ARRIVED - LIVE_HORIZON.maxAgeMs;
const LATEST = ARRIVED + LIVE_HORIZON.maxAheadMs;

describe('live horizon', () => {
  it('keeps readings from a day before to five minutes after arrival, edges included', () => {
    // Act
    const verdicts = [EARLIEST - 1, EARLIEST, ARRIVED, LATEST, LATEST + 1].map((t) => isWithinLiveHorizon(t, ARRIVED));

    // Assess
    expect(verdicts).toEqual([false, true, true, true, false]);
  });

  it('clamps a time into the horizon, widened by the slack, and leaves a time inside unchanged', () => {
    // Act
    const clamped = [Date.UTC(2020, 0, 1), ARRIVED - 1000, Number.MAX_SAFE_INTEGER].map((t) => clampToLiveHorizon(t, ARRIVED, 60_000));

    // Assess
    expect(clamped).toEqual([EARLIEST - 60_000, ARRIVED - 1000, LATEST + 60_000]);
  });
});

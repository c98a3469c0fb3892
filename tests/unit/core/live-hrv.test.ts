import { describe, expect, it } from 'vitest';
import { LiveHrv } from '../../../src/core/live-hrv.ts';
import { RollingDfaAlpha1, summarizeHrv } from '../../../src/core/hrv-measures.ts';
import { whiteNoiseRr } from './support/synthetic-rr.ts';

/** A monotonic clock that moves `costMs` between reads: each refresh (read before and after) costs that much. */
function costClock(costMs: number): () => number {
  let now = 0;
  return () => (now += costMs);
}

describe('LiveHrv', () => {
  it('gives the session summary so far and the rolling α1, the same figures a session summary gives', () => {
    // Prepare: 1,000 beats (13 minutes), pushed in one-second packets as a strap sends them
    const rr = whiteNoiseRr(21, 1000);
    const live = new LiveHrv(() => 0);
    const rolling = new RollingDfaAlpha1();
    let values = null;
    let rollingThen = null;

    // Act
    for (const [i, value] of rr.entries()) {
      live.push(value);
      rolling.push(value);
      const refreshed = live.refresh(i * 800);
      if (refreshed) [values, rollingThen] = [refreshed, rolling.value];
    }

    // Assess: the last refresh fell within the last second, so at most the final beat is missing from it
    const summary = summarizeHrv(rr.subarray(0, 999));
    const whole = summarizeHrv(rr);
    expect([summary.sdnn, whole.sdnn]).toContain(values?.sdnn);
    expect([summary.pnn50, whole.pnn50]).toContain(values?.pnn50);
    expect(values?.dfaAlpha1).toBe(rollingThen);
    expect(rollingThen).not.toBeNull();
  });

  it('refreshes at most once a second, and only when new intervals came in', () => {
    const live = new LiveHrv(() => 0);
    live.push(800);
    live.push(820);

    expect(live.refresh(10_000)).toEqual({ sdnn: Math.sqrt(200), pnn50: 0, dfaAlpha1: null });
    live.push(810);
    expect(live.refresh(10_999)).toBeNull();
    expect(live.refresh(11_000)?.sdnn).toBeCloseTo(10, 10);
    expect(live.refresh(12_000)).toBeNull();
  });

  it('waits 50 times as long as the last refresh took once that is over a second', () => {
    // Prepare: refreshes that take 100 ms each (a very long session on a slow phone)
    const live = new LiveHrv(costClock(100));
    live.push(800);
    live.push(820);

    // Act
    live.refresh(0);
    live.push(810);

    // Assess
    expect(live.refresh(4_999)).toBeNull();
    expect(live.refresh(5_000)).not.toBeNull();
  });
});

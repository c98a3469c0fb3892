import { describe, expect, it } from 'vitest';
import { RECONNECT_BACKOFF, UPLINK_BACKOFF, fullJitterDelay } from '../../../src/core/backoff.ts';

const almostOne = (): number => 1 - Number.EPSILON;

describe('fullJitterDelay', () => {
  it('scales random() by base * 2^attempt', () => {
    const opts = { baseMs: 100, capMs: 1_000_000 };

    const ceilings = [0, 1, 2, 3, 10].map((attempt) => fullJitterDelay(attempt, opts, () => 0.5) * 2);

    expect(ceilings).toEqual([100, 200, 400, 800, 102_400]);
  });

  it('never exceeds the cap', () => {
    const opts = { baseMs: 500, capMs: 30_000 };

    const delays = [6, 7, 20, 60].map((attempt) => fullJitterDelay(attempt, opts, almostOne));

    for (const delay of delays) expect(delay).toBeLessThan(30_000);
    expect(delays[0]).toBeCloseTo(30_000, 6); // 500 * 64 = 32,000, capped
  });

  it('is 0 when random() is 0, so retries can fire immediately', () => {
    expect(fullJitterDelay(5, UPLINK_BACKOFF, () => 0)).toBe(0);
  });

  it.each([1024, 5000, Number.MAX_SAFE_INTEGER, Number.POSITIVE_INFINITY])('stays finite and capped at attempt %s', (attempt) => {
    const delay = fullJitterDelay(attempt, RECONNECT_BACKOFF, () => 0.5);

    expect(delay).toBe(15_000);
  });

  it('stays at 0 rather than NaN for a zero base at huge attempts', () => {
    expect(fullJitterDelay(5000, { baseMs: 0, capMs: 1000 }, () => 0.5)).toBe(0);
  });

  it.each([-3, Number.NaN, Number.NEGATIVE_INFINITY])('treats attempt %s as the first attempt', (attempt) => {
    expect(fullJitterDelay(attempt, { baseMs: 100, capMs: 1000 }, () => 0.5)).toBe(50);
  });

  it('spreads delays uniformly below the ceiling with Math.random', () => {
    const delays = Array.from({ length: 2_000 }, () => fullJitterDelay(3, { baseMs: 100, capMs: 10_000 }));

    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThan(800);
    const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
    expect(mean).toBeGreaterThan(350);
    expect(mean).toBeLessThan(450);
  });

  it('exports the agreed policies', () => {
    expect(RECONNECT_BACKOFF).toEqual({ baseMs: 500, capMs: 30_000 });
    expect(UPLINK_BACKOFF).toEqual({ baseMs: 200, capMs: 20_000 });
  });
});

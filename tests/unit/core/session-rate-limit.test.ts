import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SESSION_RATE_LIMIT, takeToken, tokensAt, type SessionRateLimit, type TokenBucket } from '../../../src/core/session-rate-limit.ts';

const START = Date.UTC(2026, 10, 28, 12, 0, 0);

/** Offers one reading per receive time, in order; how many the bucket admitted. */
function admitted(receivedAt: readonly number[], limit: SessionRateLimit = SESSION_RATE_LIMIT): number {
  let bucket: TokenBucket | null = null;
  let count = 0;
  for (const now of receivedAt) {
    const next = takeToken(bucket, now, limit);
    if (next === null) continue;
    bucket = next;
    count++;
  }
  return count;
}

/**
 * An honest 1 Hz sensor: live stretches (one reading a second, each received 0 to `jitterMs` late) and
 * outages, after each of which the whole backlog is received at once. Receive times in order.
 */
function honestSensor(stretches: ReadonlyArray<{ liveSeconds: number; offlineSeconds: number; jitterMs: number }>): number[] {
  const times: number[] = [];
  let second = 0;
  for (const { liveSeconds, offlineSeconds, jitterMs } of stretches) {
    for (let i = 0; i < liveSeconds; i++, second++) times.push(START + second * 1000 + ((second * 7919) % (jitterMs + 1)));
    second += offlineSeconds;
    const reconnectedAt = START + second * 1000;
    for (let i = 0; i < offlineSeconds; i++) times.push(reconnectedAt);
  }
  return times;
}

describe('session rate limit', () => {
  it('admits a new session a full burst at once, then nothing more until time passes', () => {
    // Prepare
    const limit = { ratePerSecond: 2, burst: 5 };
    const times = Array.from({ length: 8 }, () => START);

    // Act
    const atOnce = admitted(times, limit);
    const afterOneSecond = admitted([...times, START + 1000, START + 1000, START + 1000], limit);

    // Assess
    expect(atOnce).toBe(5);
    expect(afterOneSecond).toBe(7);
  });

  it('refills by receive time up to the burst, and an earlier receive time (a backlog) adds nothing', () => {
    // Prepare
    const bucket: TokenBucket = { tokens: 0, at: START };

    // Act
    const levels = [START - 60_000, START + 500, START + 3_600_000 * 10].map((now) => tokensAt(bucket, now));
    const taken = takeToken({ tokens: 1, at: START }, START - 60_000);

    // Assess
    expect(levels).toEqual([0, 1, SESSION_RATE_LIMIT.burst]);
    expect(taken).toEqual({ tokens: 0, at: START });
  });

  it('never admits more than the burst plus the rate times the time elapsed, however the receive times fall', () => {
    fc.assert(
      fc.property(
        fc.record({ ratePerSecond: fc.integer({ min: 1, max: 10 }), burst: fc.integer({ min: 1, max: 500 }) }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 3_000 }),
        (limit, gaps) => {
          // Prepare: any receive times, including ones that go back (a backlog's arrival times among live ones).
          let now = START;
          const times = gaps.map((gap, i) => (now += i % 7 === 3 ? -gap : gap));
          const elapsedMs = Math.max(...times) - Math.min(...times);

          // Act
          const count = admitted(times, limit);

          // Assess
          expect(count).toBeLessThanOrEqual(limit.burst + (limit.ratePerSecond * elapsedMs) / 1000);
        },
      ),
    );
  });

  it('never limits an honest 1 Hz sensor whose offline backlogs, with the reading at reconnection, each fit the burst', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            liveSeconds: fc.integer({ min: 0, max: 600 }),
            // One less than the burst: the reading taken at the moment of reconnecting arrives in the same
            // millisecond as the backlog, and a backlog of the whole burst leaves no token for it (found by
            // this property with seed 11898636).
            offlineSeconds: fc.integer({ min: 0, max: SESSION_RATE_LIMIT.burst - 1 }),
            jitterMs: fc.integer({ min: 0, max: 999 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        (stretches) => {
          // Prepare
          const times = honestSensor(stretches);

          // Act
          const count = admitted(times);

          // Assess
          expect(count).toBe(times.length);
        },
      ),
      { numRuns: 50 },
    );
  });
});

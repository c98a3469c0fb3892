import { describe, expect, it } from 'vitest';
import { WRITE_LIMITS, createWriteLimiter, type WriteLimits } from '../../../src/core/write-limit.ts';

/** A clock the test moves by hand. */
function manualClock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

const batch = (records: number) => ({ records, bytes: records * 300 });

describe('createWriteLimiter', () => {
  it('lets a client write its burst, then refuses it until its bucket refills', () => {
    // Prepare: a global limit far above the client's, so only the client's own bucket binds
    const clock = manualClock();
    const limiter = createWriteLimiter(100, clock.now);
    const full = WRITE_LIMITS.client.records.burst / 500;

    // Act
    const burst = Array.from({ length: full }, () => limiter.admit('10.0.0.1', batch(500)));
    const over = limiter.admit('10.0.0.1', batch(1));
    clock.advance(1_000 / WRITE_LIMITS.client.records.perSecond);
    const refilled = limiter.admit('10.0.0.1', batch(1));
    const again = limiter.admit('10.0.0.1', batch(1));

    // Assess
    expect(burst.every(Boolean)).toBe(true);
    expect([over, refilled, again]).toEqual([false, true, false]);
  });

  it('counts bytes as well as records', () => {
    // Prepare
    const clock = manualClock();
    const limiter = createWriteLimiter(100, clock.now);
    const { burst } = WRITE_LIMITS.client.bytes;

    // Act
    const big = limiter.admit('10.0.0.1', { records: 1, bytes: burst });
    const next = limiter.admit('10.0.0.1', { records: 1, bytes: 1 });

    // Assess
    expect([big, next]).toEqual([true, false]);
  });

  it('holds all clients together to the per-shard rate times the shards', () => {
    // Prepare: 40 addresses, each well within its own limit
    const clock = manualClock();
    const limiter = createWriteLimiter(2, clock.now);
    const addresses = Array.from({ length: 40 }, (_, i) => `10.0.0.${i}`);

    // Act: every address tries 100 records, twice over
    let admitted = 0;
    for (let round = 0; round < 2; round++) for (const address of addresses) if (limiter.admit(address, batch(100))) admitted += 100;

    // Assess: two shards' one-second burst, no more
    expect(admitted).toBe(2 * WRITE_LIMITS.perShard.records.burst);
  });

  it('keeps serving a client at a broadcaster’s rate while another floods', () => {
    // Prepare
    const clock = manualClock();
    const limiter = createWriteLimiter(1, clock.now);

    // Act: every 10 ms the flooder tries a batch of 500 and the broadcaster sends a reading every second
    let flooded = 0;
    let refusedBroadcaster = 0;
    for (let ms = 0; ms < 60_000; ms += 10) {
      if (limiter.admit('10.0.0.66', batch(500))) flooded += 500;
      if (ms % 1_000 === 0 && !limiter.admit('10.0.0.1', batch(1))) refusedBroadcaster++;
      clock.advance(10);
    }

    // Assess: the broadcaster is never refused; the flooder gets no more than the stream's rate, then its own
    expect(refusedBroadcaster).toBe(0);
    expect(flooded).toBeGreaterThan(WRITE_LIMITS.client.records.burst);
    expect(flooded).toBeLessThanOrEqual(WRITE_LIMITS.client.records.burst + 60 * WRITE_LIMITS.client.records.perSecond + 500);
  });

  it('lets a flooder spend its burst only down to the reserve', () => {
    // Prepare
    const clock = manualClock();
    const limiter = createWriteLimiter(1, clock.now);
    const global = WRITE_LIMITS.perShard.records.burst;

    // Act: its share first (500), then its burst until refused
    let admitted = 0;
    while (limiter.admit('10.0.0.66', batch(50))) admitted += 50;
    const broadcaster = limiter.admit('10.0.0.1', batch(1));

    // Assess
    expect(admitted).toBe(global - global * WRITE_LIMITS.reserveFraction);
    expect(broadcaster).toBe(true);
  });

  it('passes a write larger than a whole bucket once the bucket is full, and then waits for the debt', () => {
    // Prepare
    const clock = manualClock();
    const limits: WriteLimits = { ...WRITE_LIMITS, perShard: { records: WRITE_LIMITS.perShard.records, bytes: { perSecond: 1_000, burst: 1_000 } } };
    const limiter = createWriteLimiter(1, clock.now, limits);

    // Act
    const large = limiter.admit('10.0.0.1', { records: 1, bytes: 3_000 });
    clock.advance(2_000);
    const inDebt = limiter.admit('10.0.0.1', { records: 1, bytes: 1 });
    clock.advance(2_000);
    const repaid = limiter.admit('10.0.0.1', { records: 1, bytes: 1 });

    // Assess
    expect([large, inDebt, repaid]).toEqual([true, false, true]);
  });

  it('tracks no more than the cap of addresses, forgetting idle ones first', () => {
    // Prepare
    const clock = manualClock();
    const limits: WriteLimits = { ...WRITE_LIMITS, maxClients: 3 };
    const limiter = createWriteLimiter(100, clock.now, limits);
    limiter.admit('busy', batch(500));
    limiter.admit('busy', batch(500));
    limiter.admit('idle-1', batch(1));
    limiter.admit('idle-2', batch(1));
    clock.advance(1_000);

    // Act: two new addresses; the idle ones have refilled, the busy one has not
    limiter.admit('new-1', batch(1));
    limiter.admit('new-2', batch(1));
    const busyStillLimited = !limiter.allows('busy', { records: WRITE_LIMITS.client.records.burst - 200, bytes: 0 });

    // Assess
    expect(limiter.trackedClients()).toBe(3);
    expect(busyStillLimited).toBe(true);
  });

  it('checks without taking', () => {
    // Prepare
    const clock = manualClock();
    const limiter = createWriteLimiter(1, clock.now);

    // Act
    const checks = Array.from({ length: 10 }, () => limiter.allows('10.0.0.1', batch(500)));

    // Assess
    expect(checks.every(Boolean)).toBe(true);
    expect(limiter.trackedClients()).toBe(0);
  });
});

import { describe, expect, it } from 'vitest';
import { flushEventEffect, initialUplinkStatus, type UplinkStatus } from '../../../src/lib/uplink/uplink-status.ts';
import { T0 } from './support.ts';

const NOW = T0 + 60_000;

const status = (change: Partial<UplinkStatus>): UplinkStatus => ({ ...initialUplinkStatus(true), phase: 'idle', ...change });

describe('flushEventEffect', () => {
  it('counts what waits after an acknowledgement as the outbox remainder plus what is still queued', () => {
    // Prepare
    const before = status({ phase: 'retrying', retry: { reason: 'network', attempt: 2, failed: 0 }, waiting: 9 });

    // Act
    const effect = flushEventEffect(before, { type: 'acked', count: 5, newestT: T0 + 4_000, remaining: 4, acked: [] }, 2, NOW);

    // Assess
    expect(effect).toEqual({
      inOutbox: 4,
      change: { phase: 'sending', retry: null, waiting: 6, lastAck: { at: NOW, readingAt: T0 + 4_000 } },
    });
  });

  it('never moves the newest acknowledged reading back in time', () => {
    // Prepare: a retried older entry is acknowledged after newer ones were.
    const before = status({ lastAck: { at: NOW - 1_000, readingAt: T0 + 9_000 } });

    // Act
    const effect = flushEventEffect(before, { type: 'acked', count: 1, newestT: T0 + 2_000, remaining: 0, acked: [] }, 0, NOW);

    // Assess
    expect(effect.change.lastAck).toEqual({ at: NOW, readingAt: T0 + 9_000 });
  });

  it('keeps showing a retry while the next attempt is being sent', () => {
    // Prepare
    const retrying = status({ phase: 'retrying', retry: { reason: 'throttled', attempt: 1, failed: 3 } });

    // Act
    const whileRetrying = flushEventEffect(retrying, { type: 'sending', entries: 3 }, 0, NOW);
    const whileIdle = flushEventEffect(status({}), { type: 'sending', entries: 3 }, 0, NOW);

    // Assess
    expect(whileRetrying).toEqual({ change: {} });
    expect(whileIdle).toEqual({ change: { phase: 'sending' } });
  });

  it('reports why and how often it retries', () => {
    // Act
    const effect = flushEventEffect(status({}), { type: 'retrying', reason: 'credentials', attempt: 3, delayMs: 800, failed: 0 }, 0, NOW);

    // Assess
    expect(effect).toEqual({ change: { phase: 'retrying', retry: { reason: 'credentials', attempt: 3, failed: 0 } } });
  });

  it.each([
    [{ type: 'offline' } as const, { change: { phase: 'offline', retry: null } }],
    [{ type: 'drained' } as const, { inOutbox: 0, change: { phase: 'idle', retry: null, waiting: 1 } }],
    [{ type: 'other-tab' } as const, { change: { phase: 'other-tab' } }],
  ])('%o → %o', (event, expected) => {
    // Act
    const effect = flushEventEffect(status({ waiting: 7 }), event, 1, NOW);

    // Assess
    expect(effect).toEqual(expected);
  });
});

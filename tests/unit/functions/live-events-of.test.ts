import { describe, expect, it } from 'vitest';
import { parseLiveEvent, type ReadingsEvent } from '../../../src/core/live-events.ts';
import { liveEventsOf, MAX_READINGS_PER_EVENT } from '../../../functions/push/live-events-of.ts';
import type { SessionChange, SessionSnapshot } from '../../../functions/store/live-store.ts';
import { NOW, sessionKeys } from './support/kinesis-events.ts';

const { viewId } = sessionKeys(71);

function snapshot(overrides: Partial<SessionSnapshot> = {}): SessionSnapshot {
  return {
    viewId, count: 450, firstT: NOW - 450_000, lastT: NOW, minBpm: 60, maxBpm: 120, avgBpm: 80, lastSeq: 449, lastBpm: 80, lastReceivedAt: NOW,
    endedSeq: null, endedAt: null, exp: null, expSetAt: null, cursor: '1450', alerts: null, name: null, maxHr: null, ...overrides,
  };
}

function changeWith(readings: number, overrides: Partial<SessionChange> = {}): SessionChange {
  return {
    session: snapshot(),
    from: '1000',
    readings: Array.from({ length: readings }, (_, i) => ({ cursor: String(1001 + i), reading: { seq: i, t: NOW - 1000 * (readings - i), bpm: 80, rr: [750] } })),
    stateChanged: false,
    ...overrides,
  };
}

describe('liveEventsOf', () => {
  it('splits a backlog into consecutive readings events, each chained to the one before', () => {
    // Prepare
    const change = changeWith(450);

    // Act
    const events = liveEventsOf(change, NOW) as ReadingsEvent[];

    // Assess
    expect(events.map((e) => e.readings.length)).toEqual([MAX_READINGS_PER_EVENT, MAX_READINGS_PER_EVENT, 50]);
    expect(events.map((e) => [e.from, e.next])).toEqual([['1000', '1200'], ['1200', '1400'], ['1400', '1450']]);
    expect(events.flatMap((e) => e.readings.map((r) => r.seq))).toEqual(change.readings.map(({ reading }) => reading.seq));
    expect(events.every((e) => parseLiveEvent(JSON.parse(JSON.stringify(e))) !== null)).toBe(true);
  });

  it('sends a session event only when something but readings changed', () => {
    // Prepare / Act
    const quiet = liveEventsOf(changeWith(0), NOW);
    const ended = liveEventsOf(changeWith(0, { session: snapshot({ endedSeq: 450, endedAt: NOW }), stateChanged: true }), NOW);

    // Assess
    expect(quiet).toEqual([]);
    expect(ended).toEqual([{ type: 'session', viewId, session: expect.objectContaining({ status: 'ended', count: 450, cursor: '1450' }) }]);
  });

  it('tells a revoked session nothing but its status, whatever came with the revoke', () => {
    // Prepare
    const change = changeWith(3, { session: snapshot({ exp: NOW - 1, expSetAt: NOW - 1 }), stateChanged: true });

    // Act
    const events = liveEventsOf(change, NOW);

    // Assess
    expect(events).toEqual([{ type: 'session', viewId, session: { viewId, status: 'revoked', serverTime: NOW } }]);
  });
});

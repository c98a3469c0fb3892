import { describe, expect, it } from 'vitest';
import { addReading, applyControl, createSessionState, takeReadingToken, toSnapshot } from '../../../functions/store/session-state.ts';

describe('session state', () => {
  it('keeps min, max, mean, earliest and latest whatever order readings come in', () => {
    // Prepare
    const s = createSessionState('v');

    // Act
    const changes = ([
      [2, 3000, 90],
      [0, 1000, 60],
      [1, 2000, 75],
    ] as const).map(([seq, t, bpm]) => addReading(s, { seq, t, bpm, receivedAt: 10_000 + seq }));

    // Assess
    expect(changes).toEqual([true, true, true]);
    expect(toSnapshot(s, '3')).toMatchObject({ count: 3, minBpm: 60, maxBpm: 90, avgBpm: 75, firstT: 1000, lastT: 3000, lastSeq: 2, lastBpm: 90, lastReceivedAt: 10_002 });
  });

  it('has no statistics before the first reading', () => {
    expect(toSnapshot(createSessionState('v'), '0')).toMatchObject({ count: 0, minBpm: null, avgBpm: null, firstT: null, lastBpm: null });
  });

  it('counts by the same rule as the broadcaster: a 0 bpm contact gap changes nothing', () => {
    // Prepare
    const s = createSessionState('v');

    // Act
    const changed = addReading(s, { seq: 0, t: 1000, bpm: 0, receivedAt: 1000 });

    // Assess
    expect(changed).toBe(false);
    expect(s).toEqual(createSessionState('v'));
  });

  it('resolves end and expiry by the highest seq, reporting whether anything changed', () => {
    // Prepare
    const s = createSessionState('v');

    // Act
    const changes = [
      applyControl(s, { seq: 7, t: 700, receivedAt: 700, exp: 5000 }),
      applyControl(s, { seq: 3, t: 300, receivedAt: 300, exp: 9000 }),
      applyControl(s, { seq: 9, t: 900, receivedAt: 900, end: true }),
      applyControl(s, { seq: 9, t: 900, receivedAt: 900, end: true }),
      applyControl(s, { seq: 8, t: 800, receivedAt: 800, end: true, exp: 100 }),
    ];

    // Assess
    expect(changes).toEqual([true, false, true, false, true]);
    expect(s).toMatchObject({ exp: 100, expSeq: 8, expSetAt: 800, endedSeq: 9, endedAt: 900 });
  });

  it('keeps the rate limit bucket in the state and refuses a token without changing it', () => {
    // Prepare
    const s = createSessionState('v');
    s.tokens = 1;
    s.tokensAt = 5000;

    // Act
    const taken = [takeReadingToken(s, 5000), takeReadingToken(s, 5000)];

    // Assess
    expect(taken).toEqual([true, false]);
    expect(s).toMatchObject({ tokens: 0, tokensAt: 5000 });
  });

  it('records the last activity from readings and from controls that changed the session, never from ones that did not', () => {
    // Prepare
    const s = createSessionState('v');

    // Act
    addReading(s, { seq: 0, t: 1000, bpm: 60, receivedAt: 2000 });
    applyControl(s, { seq: 1, t: 1500, receivedAt: 9000, end: true });
    applyControl(s, { seq: 1, t: 1500, receivedAt: 20_000, end: true });

    // Assess
    expect(s.lastActiveAt).toBe(9000);
  });
});

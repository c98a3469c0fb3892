import { describe, expect, it } from 'vitest';
import { addReading, applyControl, createSessionState, isRevoked, takeReadingToken, toSnapshot } from '../../../functions/store/session-state.ts';

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
      applyControl(s, { seq: 7, t: 700, exp: 5000, receivedAt: 1700 }),
      applyControl(s, { seq: 3, t: 300, exp: 9000, receivedAt: 1800 }),
      applyControl(s, { seq: 9, t: 900, end: true, receivedAt: 1900 }),
      applyControl(s, { seq: 9, t: 900, end: true, receivedAt: 1950 }),
      applyControl(s, { seq: 8, t: 800, exp: 6000, receivedAt: 2000 }),
    ];

    // Assess
    expect(changes).toEqual([true, false, true, false, true]);
    expect(s).toMatchObject({ exp: 2000 + 5200, expSeq: 8, expSetAt: 2000, endedSeq: 9, endedAt: 1900 });
  });

  it.each([
    ['10 minutes fast', 10 * 60_000],
    ['10 minutes slow', -10 * 60_000],
    ['set to 2001', Date.UTC(2001, 0, 1) - Date.UTC(2026, 10, 28, 12)],
  ])('takes a control effect by its arrival: a phone %s revokes now and sets an expiry an hour after arrival', (_, skewMs) => {
    // Prepare
    const arrival = Date.UTC(2026, 10, 28, 12);
    const phoneNow = arrival + skewMs;
    const expiring = createSessionState('v');
    const revoked = createSessionState('v');

    // Act
    applyControl(expiring, { seq: 1, t: phoneNow, exp: phoneNow + 3_600_000, receivedAt: arrival });
    applyControl(revoked, { seq: 1, t: phoneNow, exp: phoneNow, receivedAt: arrival });
    applyControl(revoked, { seq: 2, t: phoneNow, end: true, receivedAt: arrival + 5 });

    // Assess
    expect(expiring).toMatchObject({ exp: arrival + 3_600_000, expSetAt: arrival });
    expect(isRevoked(expiring)).toBe(false);
    expect(revoked).toMatchObject({ exp: arrival, expSetAt: arrival, endedAt: arrival + 5 });
    expect(isRevoked(revoked)).toBe(true);
  });

  it('keeps a revoked link revoked: a later expiry, even with a higher seq, changes nothing', () => {
    // Prepare
    const s = createSessionState('v');
    applyControl(s, { seq: 4, t: 1000, exp: 1000, receivedAt: 5000 });

    // Act
    const changed = applyControl(s, { seq: 5, t: 2000, exp: 2000 + 3_600_000, receivedAt: 6000 });

    // Assess
    expect(changed).toBe(false);
    expect(s).toMatchObject({ exp: 5000, expSeq: 4, expSetAt: 5000 });
    expect(isRevoked(s)).toBe(true);
  });

  it('revokes even when a later-seq expiry was delivered first (a retry out of order)', () => {
    // Prepare
    const s = createSessionState('v');
    applyControl(s, { seq: 6, t: 2000, exp: 2000 + 60_000, receivedAt: 6000 });

    // Act
    const changed = applyControl(s, { seq: 5, t: 1000, exp: 0, receivedAt: 6100 });

    // Assess
    expect(changed).toBe(true);
    expect(isRevoked(s)).toBe(true);
  });

  it('still reads a revoke stored with device times before this rule', () => {
    expect(isRevoked({ exp: 1000, expSetAt: 1000 })).toBe(true);
    expect(isRevoked({ exp: 2000, expSetAt: 1000 })).toBe(false);
    expect(isRevoked({ exp: null, expSetAt: null })).toBe(false);
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

  it('keeps the display name and max HR of the newest control record for each, and an empty name clears it', () => {
    // Prepare
    const s = createSessionState('v');

    // Act
    const set = applyControl(s, { seq: 5, t: 1, receivedAt: 10, name: 'Ann', maxHr: 180 });
    const older = applyControl(s, { seq: 3, t: 1, receivedAt: 11, name: 'Old', maxHr: 150 });
    const onlyHr = applyControl(s, { seq: 6, t: 1, receivedAt: 12, maxHr: 190 });
    const snapshotBefore = toSnapshot(s, '0');
    const cleared = applyControl(s, { seq: 7, t: 1, receivedAt: 13, name: '' });

    // Assess
    expect([set, older, onlyHr, cleared]).toEqual([true, false, true, true]);
    expect(snapshotBefore).toMatchObject({ name: 'Ann', maxHr: 190 });
    expect(toSnapshot(s, '0')).toMatchObject({ name: null, maxHr: 190 });
    expect(applyControl(s, { seq: 6, t: 1, receivedAt: 14, name: 'Late' })).toBe(false);
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

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averageOf } from '../../../src/core/session-stats.ts';
import { timeInZones } from '../../../src/core/zones.ts';
import { SESSION_GAP_MS, addToSessionSummary, createSummary, isNewSession } from '../../../src/lib/history/session-summary.ts';
import { T0 } from './support.ts';

const reading = (bpm: number, receivedAt: number, rrMs: number[] = []) => ({ reading: { bpm, contact: 'detected' as const, rrMs }, receivedAt });

describe('session summary', () => {
  it('counts readings, heart rate, RR and zones as a whole-series replay would', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ bpm: fc.integer({ min: 0, max: 220 }), step: fc.integer({ min: 1, max: 8000 }), rr: fc.nat(4) }), { maxLength: 200 }), (raw) => {
        // Prepare
        const summary = createSummary('s', T0, 190);
        let t = T0;
        const list = raw.map(({ bpm, step, rr }) => reading(bpm, (t += step), Array.from({ length: rr }, () => 800)));

        // Act
        for (const r of list) addToSessionSummary(summary, r);

        // Assess
        const beats = list.filter((r) => r.reading.bpm > 0);
        expect(summary.readings).toBe(list.length);
        expect(summary.bpm.count).toBe(beats.length);
        expect(summary.bpm.maxBpm).toBe(beats.length ? Math.max(...beats.map((r) => r.reading.bpm)) : null);
        if (beats.length === 0) expect(averageOf(summary.bpm)).toBeNull();
        else expect(averageOf(summary.bpm)).toBeCloseTo(beats.reduce((s, r) => s + r.reading.bpm, 0) / beats.length);
        expect(summary.rrCount).toBe(list.reduce((s, r) => s + r.reading.rrMs.length, 0));
        const zones = timeInZones(beats.map((r) => r.receivedAt), beats.map((r) => r.reading.bpm), beats.length, 190);
        expect(summary.zonesMs).toEqual(zones);
        expect(summary.endedAt).toBe(list.length ? t : T0);
      }),
    );
  });

  it('starts a new session after more than 30 minutes without a reading, not at exactly 30', () => {
    // Prepare
    const summary = createSummary('s', T0, 190);
    addToSessionSummary(summary, reading(70, T0));

    // Act / Assess
    expect(isNewSession(null, T0)).toBe(true);
    expect(isNewSession(summary, T0 + SESSION_GAP_MS)).toBe(false);
    expect(isNewSession(summary, T0 + SESSION_GAP_MS + 1)).toBe(true);
  });
});

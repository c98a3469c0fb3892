import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rmssd } from '../../../src/core/hrv.ts';
import { summarizeHrv } from '../../../src/core/hrv-measures.ts';
import { whiteNoiseRr } from '../core/support/synthetic-rr.ts';
import { seriesFromReadings } from '../../../src/core/session-series.ts';
import { describeZones, formatBytes, formatDuration } from '../../../src/lib/history/history-format.ts';
import { parseHistoryHash, sessionHash } from '../../../src/lib/history/history-route.ts';
import { AEROBIC_THRESHOLD_ALPHA1, summarizeSeries } from '../../../src/lib/history/series-stats.ts';
import { toChartColumns } from '../../../src/lib/chart/series-chart.ts';
import { addToSessionSummary, createSummary } from '../../../src/lib/history/session-summary.ts';
import { T0 } from './support.ts';

describe('history route', () => {
  it('reads the list and a session from the hash, and nothing else', () => {
    expect(parseHistoryHash('#history')).toEqual({ view: 'list' });
    expect(parseHistoryHash('#history/')).toEqual({ view: 'list' });
    expect(parseHistoryHash('#history/abc-1')).toEqual({ view: 'session', id: 'abc-1' });
    expect(parseHistoryHash('')).toBeNull();
    expect(parseHistoryHash('#historyx')).toBeNull();
    // Typed by hand, not a valid escape: the list rather than a thrown URIError.
    expect(parseHistoryHash('#history/%E0%A4%A')).toEqual({ view: 'list' });
  });

  it('gives back any id it was given', () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (id) => {
        expect(parseHistoryHash(sessionHash(id))).toEqual({ view: 'session', id });
      }),
    );
  });
});

describe('history format', () => {
  it('shows durations, sizes and zones as short text', () => {
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
    expect(formatDuration(8 * 3_600_000 + 60_000)).toBe('8 h 1 min');
    expect(formatDuration(-5)).toBe('0 s');
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_234_567)).toBe('1.2 MB');
    expect(describeZones([0, 0, 60_000, 5_000, 0, 0])).toBe('Zone 2: 1 min 0 s, Zone 3: 5 s');
    expect(describeZones([0, 0, 0, 0, 0, 0])).toBe('No time in zones');
  });
});

describe('a loaded session in the detail view', () => {
  it('has the statistics the recorder summed, zones included, and RMSSD over all its RR intervals', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ bpm: fc.integer({ min: 0, max: 200 }), rr: fc.array(fc.integer({ min: 300, max: 1500 }), { maxLength: 3 }) }), { maxLength: 120 }), (raw) => {
        // Prepare
        const list = raw.map((r, i) => ({ t: T0 + i * 1000, bpm: r.bpm, contact: 'detected' as const, rrMs: r.rr }));
        const summary = createSummary('s', T0, 180);
        for (const r of list) addToSessionSummary(summary, { reading: r, receivedAt: r.t });

        // Act
        const stats = summarizeSeries(seriesFromReadings(list), 180);

        // Assess
        expect(stats.count).toBe(summary.bpm.count);
        expect(stats.max).toBe(summary.bpm.maxBpm);
        expect(stats.min).toBe(summary.bpm.minBpm);
        expect(stats.zonesMs).toEqual(summary.zonesMs);
        expect(stats.rrCount).toBe(summary.rrCount);
        expect(stats.rmssd).toBe(rmssd(list.flatMap((r) => r.rrMs)));
        const hrv = summarizeHrv(list.flatMap((r) => r.rrMs));
        expect([stats.sdnn, stats.pnn50, stats.dfaAlpha1]).toEqual([hrv.sdnn, hrv.pnn50, hrv.dfaAlpha1]);
      }),
    );
  });

  it('sums DFA α1 over 2-minute windows: how many, their median, and the minutes below 0.75', () => {
    // Prepare: 40 minutes of uncorrelated beats (α1 ≈ 0.58, below 0.75 in every window), one reading a beat
    const rr = Array.from(whiteNoiseRr(7, 3000));
    let t = T0;
    const list = rr.map((interval) => ({ t: (t += interval), bpm: Math.round(60_000 / interval), contact: 'detected' as const, rrMs: [interval] }));

    // Act
    const { alpha1Windows } = summarizeSeries(seriesFromReadings(list), 180);

    // Assess
    const minutes = Math.floor(rr.reduce((sum, value) => sum + value, 0) / 120_000) * 2;
    expect(alpha1Windows.count).toBeGreaterThanOrEqual(minutes / 2 - 1);
    expect(alpha1Windows.median).toBeGreaterThan(0.4);
    expect(alpha1Windows.median).toBeLessThan(AEROBIC_THRESHOLD_ALPHA1);
    expect(alpha1Windows.belowThresholdMinutes).toBeGreaterThan(minutes * 0.8);
  });

  it('draws a contact gap as a gap, in seconds', () => {
    // Prepare
    const series = seriesFromReadings([70, 0, 72].map((bpm, i) => ({ t: T0 + i * 1000, bpm, contact: 'detected' as const, rrMs: [] })));

    // Act
    const [times, values] = toChartColumns(series);

    // Assess
    expect(Array.from(times)).toEqual([T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2]);
    expect(values).toEqual([70, null, 72]);
  });
});

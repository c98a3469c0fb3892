import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_HR, DEFAULT_MAX_GAP_MS, addZoneTime, isPlausibleMaxHr, timeInZones, zoneBounds, zoneOf } from '../../../src/core/zones.ts';

describe('zoneOf', () => {
  it.each([
    { bpm: 0, zone: 0 },
    { bpm: 94, zone: 0 }, // 49.5 %
    { bpm: 95, zone: 1 }, // exactly 50 %
    { bpm: 113, zone: 1 },
    { bpm: 114, zone: 2 }, // exactly 60 %: 0.6 * 190 is 113.99999999999999 in floating point
    { bpm: 133, zone: 3 }, // exactly 70 %
    { bpm: 151, zone: 3 },
    { bpm: 152, zone: 4 }, // exactly 80 %
    { bpm: 171, zone: 5 }, // exactly 90 %
    { bpm: 190, zone: 5 },
    { bpm: 210, zone: 5 }, // above max is still zone 5
  ])('$bpm bpm with max 190 → zone $zone', ({ bpm, zone }) => {
    expect(zoneOf(bpm, 190)).toBe(zone);
  });

  it('scales with max HR', () => {
    expect(zoneOf(150, 200)).toBe(3);
    expect(zoneOf(150, 160)).toBe(5);
  });

  it.each([0, -190, Number.NaN])('puts everything in zone 0 for max HR %s', (maxHr) => {
    expect(zoneOf(150, maxHr)).toBe(0);
  });

  it('puts NaN bpm in zone 0', () => {
    expect(zoneOf(Number.NaN, 190)).toBe(0);
  });
});

describe('zoneBounds', () => {
  it('gives whole-bpm ranges for the default max HR', () => {
    const bounds = zoneBounds(DEFAULT_MAX_HR);

    expect(bounds).toEqual([
      { zone: 1, minBpm: 95, maxBpm: 113 },
      { zone: 2, minBpm: 114, maxBpm: 132 },
      { zone: 3, minBpm: 133, maxBpm: 151 },
      { zone: 4, minBpm: 152, maxBpm: 170 },
      { zone: 5, minBpm: 171, maxBpm: null },
    ]);
  });

  it('agrees with zoneOf for every whole bpm and every plausible max HR', () => {
    for (let maxHr = 100; maxHr <= 230; maxHr++) {
      const bounds = zoneBounds(maxHr);
      for (let bpm = 0; bpm <= 250; bpm++) {
        const inBounds = bounds.find((b) => bpm >= b.minBpm && (b.maxBpm === null || bpm <= b.maxBpm));
        const expected = inBounds?.zone ?? 0;
        if (zoneOf(bpm, maxHr) !== expected) expect.fail(`max ${maxHr}, ${bpm} bpm: zoneOf ${zoneOf(bpm, maxHr)}, bounds ${expected}`);
      }
    }
  });

  it('rounds a fractional lower bound up to the first whole bpm inside the zone', () => {
    const bounds = zoneBounds(185); // 50 % = 92.5, 70 % = 129.5

    expect(bounds[0]?.minBpm).toBe(93);
    expect(bounds[2]?.minBpm).toBe(130);
    expect(zoneOf(92, 185)).toBe(0);
    expect(zoneOf(93, 185)).toBe(1);
  });
});

describe('isPlausibleMaxHr', () => {
  it.each([100, 190, 230])('accepts %s', (n) => {
    expect(isPlausibleMaxHr(n)).toBe(true);
  });

  it.each([99, 231, 150.5, Number.NaN, '190', null])('rejects %s', (n) => {
    expect(isPlausibleMaxHr(n)).toBe(false);
  });
});

describe('timeInZones', () => {
  it('attributes each interval to the earlier reading\'s zone', () => {
    // Prepare: zone 1 for 1 s, zone 3 for 2 s, zone 5 for 1 s; the last reading opens no interval.
    const times = [0, 1000, 3000, 4000];
    const bpms = [100, 140, 180, 60];

    // Act
    const totals = timeInZones(times, bpms, times.length, 190);

    // Assess
    expect(totals).toEqual([0, 1000, 0, 2000, 0, 1000]);
  });

  it('caps an interval at maxGapMs so a disconnect is not time in zone', () => {
    // Prepare: a minute without readings
    const times = [0, 1000, 61_000];
    const bpms = [100, 100, 100];

    // Act
    const capped = timeInZones(times, bpms, 3, 190);
    const custom = timeInZones(times, bpms, 3, 190, 10_000);

    // Assess
    expect(DEFAULT_MAX_GAP_MS).toBe(5000);
    expect(capped[1]).toBe(1000 + DEFAULT_MAX_GAP_MS);
    expect(custom[1]).toBe(1000 + 10_000);
  });

  it('counts time below zone 1 in slot 0 but nothing after a contact gap (0 bpm)', () => {
    const times = [0, 1000, 2000, 3000];
    const bpms = [80, 0, 120, 120];

    const totals = timeInZones(times, bpms, 4, 190);

    expect(totals).toEqual([1000, 0, 1000, 0, 0, 0]);
  });

  it('reads only the first count entries of preallocated typed arrays', () => {
    const times = new Float64Array(8);
    const bpms = new Uint16Array(8);
    times.set([0, 1000, 2000, 3000]);
    bpms.set([180, 180, 180, 180]);

    const totals = timeInZones(times, bpms, 3, 190);

    expect(totals).toEqual([0, 0, 0, 0, 0, 2000]);
  });

  it('skips duplicate and out-of-order times and tolerates count beyond the data', () => {
    const times = [0, 1000, 1000, 500, 1500];
    const bpms = [100, 100, 100, 100, 100];

    const totals = timeInZones(times, bpms, 99, 190);

    expect(totals).toEqual([0, 2000, 0, 0, 0, 0]);
  });

  it('returns six zeros for fewer than two readings', () => {
    expect(timeInZones([5], [150], 1, 190)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(timeInZones([], [], 0, 190)).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('addZoneTime', () => {
  it('adds each interval as it comes to the same totals timeInZones gives for the whole series', () => {
    const reading = fc.record({ stepMs: fc.integer({ min: -2000, max: 20_000 }), bpm: fc.integer({ min: 0, max: 230 }) });
    fc.assert(
      fc.property(fc.array(reading, { maxLength: 200 }), fc.integer({ min: 100, max: 230 }), (steps, maxHr) => {
        // Prepare: times in epoch ms, as a live session receives them (sometimes out of order)
        let t = Date.UTC(2026, 10, 28);
        const times = steps.map(({ stepMs }) => (t += stepMs));
        const bpms = steps.map(({ bpm }) => bpm);
        // Act: incrementally, the way the broadcaster's session counts
        const totals = [0, 0, 0, 0, 0, 0];
        for (let i = 1; i < times.length; i++) addZoneTime(totals, times[i - 1] ?? 0, times[i] ?? 0, bpms[i - 1] ?? 0, maxHr);
        // Assess
        expect(totals).toEqual(timeInZones(times, bpms, times.length, maxHr));
      }),
    );
  });

  it('credits the earlier reading\'s zone, capped, and nothing after a contact gap or backwards', () => {
    // Prepare
    const totals = [0, 0, 0, 0, 0, 0];
    // Act
    addZoneTime(totals, 0, 1000, 180, 190);
    addZoneTime(totals, 1000, 60_000, 100, 190);
    addZoneTime(totals, 60_000, 61_000, 0, 190);
    addZoneTime(totals, 61_000, 60_500, 100, 190);
    // Assess
    expect(totals).toEqual([0, DEFAULT_MAX_GAP_MS, 0, 0, 0, 1000]);
  });
});

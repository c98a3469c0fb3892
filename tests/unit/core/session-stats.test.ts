import { describe, expect, it } from 'vitest';
import { SessionStats } from '../../../src/core/session-stats.ts';

describe('SessionStats', () => {
  it('is empty with null statistics', () => {
    const stats = new SessionStats();

    expect(stats.count).toBe(0);
    expect([stats.min, stats.max, stats.average, stats.firstT, stats.lastT]).toEqual([null, null, null, null, null]);
  });

  it('tracks count, min, max, average and the time span', () => {
    // Prepare
    const stats = new SessionStats();

    // Act
    stats.add(1000, 80);
    stats.add(2000, 120);
    stats.add(3000, 100);

    // Assess
    expect(stats.count).toBe(3);
    expect(stats.min).toBe(80);
    expect(stats.max).toBe(120);
    expect(stats.average).toBe(100);
    expect(stats.firstT).toBe(1000);
    expect(stats.lastT).toBe(3000);
  });

  it('ignores 0 bpm contact gaps entirely, including their time', () => {
    const stats = new SessionStats();

    stats.add(500, 0);
    stats.add(1000, 90);
    stats.add(9000, 0);

    expect(stats.count).toBe(1);
    expect(stats.min).toBe(90);
    expect(stats.average).toBe(90);
    expect(stats.firstT).toBe(1000);
    expect(stats.lastT).toBe(1000);
  });

  it('ignores negative and non-finite values', () => {
    const stats = new SessionStats();

    stats.add(1000, -5);
    stats.add(1000, Number.NaN);
    stats.add(Number.NaN, 100);
    stats.add(1000, Number.POSITIVE_INFINITY);

    expect(stats.count).toBe(0);
  });

  it('spans the earliest and latest time when readings arrive out of order', () => {
    const stats = new SessionStats();

    stats.add(5000, 100);
    stats.add(2000, 100);
    stats.add(4000, 100);

    expect(stats.firstT).toBe(2000);
    expect(stats.lastT).toBe(5000);
  });

  it('keeps an exact average over a long session', () => {
    const stats = new SessionStats();

    for (let i = 0; i < 36_000; i++) stats.add(i * 1000, 60 + (i % 3)); // 60, 61, 62, …

    expect(stats.count).toBe(36_000);
    expect(stats.average).toBe(61);
    expect(stats.min).toBe(60);
    expect(stats.max).toBe(62);
  });
});

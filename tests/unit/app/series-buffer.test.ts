import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from '../../../src/lib/chart/series-buffer.ts';

function fill(buffer: SeriesBuffer, from: number, to: number): void {
  for (let t = from; t < to; t += 1) buffer.push(t, 60 + (t % 100));
}

describe('SeriesBuffer', () => {
  it('returns the window starting at the first point at or after the start time', () => {
    // Prepare
    const buffer = new SeriesBuffer(100);
    fill(buffer, 0, 50);
    // Act
    const { times, values } = buffer.window(40.5);
    // Assess
    expect(Array.from(times)).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49]);
    expect(values[0]).toBe(101);
  });

  it('keeps only the newest `capacity` points, in order and contiguous, across many compactions', () => {
    // Prepare
    const buffer = new SeriesBuffer(1000);
    // Act
    fill(buffer, 0, 10_537);
    // Assess
    const { times, values } = buffer.all();
    expect(buffer.length).toBe(1000);
    expect(times.length).toBe(1000);
    expect(times[0]).toBe(9537);
    expect(times[999]).toBe(10_536);
    for (let i = 1; i < times.length; i += 1) expect(times[i]! - times[i - 1]!).toBe(1);
    expect(values[999]).toBe(60 + (10_536 % 100));
    expect(buffer.lastTime).toBe(10_536);
  });

  it('is empty after clear and for a window after the newest point', () => {
    // Prepare
    const buffer = new SeriesBuffer(10);
    fill(buffer, 0, 5);
    // Act
    const later = buffer.window(99);
    buffer.clear();
    // Assess
    expect(later.times.length).toBe(0);
    expect(buffer.length).toBe(0);
    expect(buffer.lastTime).toBeNull();
  });

  it('slots a late point into time order', () => {
    // Prepare
    const buffer = new SeriesBuffer(10);
    for (const t of [1, 2, 4, 5]) buffer.push(t, t * 10);
    // Act
    buffer.insert(3, 30);
    buffer.insert(0.5, 5);
    buffer.insert(6, 60);
    // Assess
    expect(Array.from(buffer.all().times)).toEqual([0.5, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(buffer.all().values)).toEqual([5, 10, 20, 30, 40, 50, 60]);
  });

  it('keeps capacity and order when inserting into a full buffer across compaction', () => {
    // Prepare
    const buffer = new SeriesBuffer(4);
    fill(buffer, 0, 8);
    // Act: 6.5 lands before the newest point; the oldest one falls out
    buffer.insert(6.5, 1);
    // Assess
    expect(Array.from(buffer.all().times)).toEqual([5, 6, 6.5, 7]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new SeriesBuffer(0)).toThrow(RangeError);
    expect(() => new SeriesBuffer(1.5)).toThrow(RangeError);
  });
});

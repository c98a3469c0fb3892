import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { graphPoints } from '../../../src/lib/chart/overlay-graph.ts';

describe('graphPoints', () => {
  it('puts the window across the width and the readings within the height, highest at the top', () => {
    // Prepare
    const times = [100, 130, 160];
    const values = [80, 120, 100];
    // Act
    const points = graphPoints(times, values, 100, 160, 300, 100);
    // Assess
    expect(points).toEqual([{ x: 0, y: 100 }, { x: 150, y: 0 }, { x: 300, y: 50 }]);
  });

  it('breaks the line at a reading without contact and outside the window', () => {
    // Act
    const points = graphPoints([50, 100, 110, 120], [90, 90, 0, 95], 100, 120, 200, 100);
    // Assess
    expect(points.map((p) => p === null)).toEqual([true, false, true, false]);
  });

  it('draws a steady heart rate flat in the middle, not as wild swings', () => {
    // Act
    const points = graphPoints([0, 1, 2], [70, 71, 70], 0, 2, 100, 100);
    // Assess
    const ys = points.map((p) => p?.y ?? NaN);
    expect(Math.max(...ys) - Math.min(...ys)).toBeCloseTo(5, 5); // 1 bpm of a 20 bpm span
  });

  it('keeps every point on the plot, whatever the readings', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 250 })), { maxLength: 200 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        (readings, width, height) => {
          // Prepare
          readings.sort((a, b) => a[0] - b[0]);
          // Act
          const points = graphPoints(readings.map((r) => r[0]), readings.map((r) => r[1]), 0, 300, width, height);
          // Assess
          for (const p of points) {
            if (p === null) continue;
            expect(p.x).toBeGreaterThanOrEqual(0);
            expect(p.x).toBeLessThanOrEqual(width);
            expect(p.y).toBeGreaterThanOrEqual(-1e-9);
            expect(p.y).toBeLessThanOrEqual(height + 1e-9);
          }
        },
      ),
    );
  });

  it('draws nothing without a reading above 0', () => {
    // Act
    const points = graphPoints([1, 2], [0, 0], 0, 10, 100, 100);
    // Assess
    expect(points).toEqual([]);
  });
});

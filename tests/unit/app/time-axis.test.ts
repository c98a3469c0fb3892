import { describe, expect, it } from 'vitest';
import { formatTimeTicks, timeTickSpace } from '../../../src/lib/chart/time-axis.ts';

const T = Date.UTC(2026, 10, 28, 13, 39, 0) / 1000;

describe('formatTimeTicks', () => {
  it('labels ticks a minute or more apart with hours and minutes, on one line', () => {
    // Act
    const labels = formatTimeTicks([T, T + 60, T + 120], 60);
    // Assess
    for (const label of labels) {
      expect(label.split(':')).toHaveLength(2);
      expect(label).not.toContain('\n');
    }
    expect(new Set(labels).size).toBe(3);
  });

  it('adds seconds when ticks are less than a minute apart, so no two labels read the same', () => {
    // Act
    const labels = formatTimeTicks([T, T + 30, T + 60], 30);
    // Assess
    for (const label of labels) expect(label.split(':')).toHaveLength(3);
    expect(new Set(labels).size).toBe(3);
  });
});

describe('timeTickSpace', () => {
  it('leaves room for labels with seconds only when ticks may be less than a minute apart', () => {
    // Act
    const oneMinuteOnPhone = timeTickSpace(60, 230);
    const fiveMinutesOnPhone = timeTickSpace(300, 230);
    // Assess
    expect(oneMinuteOnPhone).toBeGreaterThan(fiveMinutesOnPhone);
    expect(fiveMinutesOnPhone * (300 / 230)).toBeGreaterThanOrEqual(60);
  });
});

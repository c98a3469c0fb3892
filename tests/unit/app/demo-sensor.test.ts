import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DemoHeartRateSensor } from '../../../src/lib/sensor/demo-sensor.ts';
import type { SourceListener, SourceStatus, TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';

function recordingListener() {
  const readings: TimedReading[] = [];
  const statuses: SourceStatus[] = [];
  const listener: SourceListener = {
    reading: (r) => readings.push(r),
    status: (s) => statuses.push(s),
    info: () => undefined,
    packetError: () => undefined,
  };
  return { listener, readings, statuses };
}

describe('DemoHeartRateSensor', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends one plausible reading a second with RR intervals that match the heart rate', async () => {
    // Prepare
    const { listener, readings, statuses } = recordingListener();
    const demo = new DemoHeartRateSensor(listener);
    // Act
    demo.start();
    vi.advanceTimersByTime(600_000);
    await demo.stop();
    // Assess
    expect(statuses).toEqual(['live', 'idle']);
    expect(readings.length).toBe(600);
    let beats = 0;
    for (const { reading } of readings) {
      expect(reading.bpm).toBeGreaterThanOrEqual(40);
      expect(reading.bpm).toBeLessThanOrEqual(200);
      for (const rr of reading.rrMs) expect(Math.abs(rr - 60_000 / reading.bpm)).toBeLessThan(0.05 * (60_000 / reading.bpm) + 10);
      beats += reading.rrMs.length;
    }
    const meanBpm = readings.reduce((sum, r) => sum + r.reading.bpm, 0) / readings.length;
    // Ten minutes of beats: the RR intervals add up to about the elapsed time.
    expect(beats).toBeGreaterThan(meanBpm * 10 * 0.9);
    expect(beats).toBeLessThan(meanBpm * 10 * 1.1);
  });

  it('stops sending after stop()', async () => {
    const { listener, readings } = recordingListener();
    const demo = new DemoHeartRateSensor(listener);
    demo.start();
    vi.advanceTimersByTime(3000);
    await demo.stop();
    vi.advanceTimersByTime(10_000);
    expect(readings.length).toBe(3);
  });
});

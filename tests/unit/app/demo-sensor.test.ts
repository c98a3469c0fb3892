import { describe, expect, it } from 'vitest';
import { DemoHeartRateSensor } from '../../../src/lib/sensor/demo-sensor.ts';
import { FakeClock } from './sensor-fakes.ts';
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

/** Seconds pass one by one, as the demo's one-second interval would see them. */
function runSeconds(clock: FakeClock, seconds: number): void {
  for (let i = 0; i < seconds; i += 1) clock.advance(1000);
}

describe('DemoHeartRateSensor', () => {
  it('sends one plausible reading a second with RR intervals that match the heart rate', async () => {
    // Prepare
    const { listener, readings, statuses } = recordingListener();
    const clock = new FakeClock();
    const demo = new DemoHeartRateSensor(listener, clock);
    // Act
    demo.start();
    runSeconds(clock, 600);
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
    // Prepare
    const { listener, readings } = recordingListener();
    const clock = new FakeClock();
    const demo = new DemoHeartRateSensor(listener, clock);
    demo.start();
    runSeconds(clock, 3);
    // Act
    await demo.stop();
    runSeconds(clock, 10);
    // Assess
    expect(readings.length).toBe(3);
  });
});

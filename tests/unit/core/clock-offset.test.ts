import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLOCK_SAMPLES_KEPT,
  addClockSample,
  clockCorrectionOf,
  estimateClockOffset,
  parseHttpDate,
  type ClockSample,
} from '../../../src/core/clock-offset.ts';

const SERVER_NOW = Date.UTC(2026, 10, 28, 12);

/** What a device with the given offset would record for a request the server answered at `serverAt` (true time). */
function sampleOf(offsetMs: number, serverAt: number, upMs: number, downMs: number, resolutionMs: number): ClockSample {
  return {
    sentAt: serverAt - upMs - offsetMs,
    receivedAt: serverAt + downMs - offsetMs,
    serverTime: Math.floor(serverAt / resolutionMs) * resolutionMs,
    resolutionMs,
  };
}

const request = fc.record({
  at: fc.integer({ min: 0, max: 600_000 }),
  up: fc.integer({ min: 0, max: 3000 }),
  down: fc.integer({ min: 0, max: 3000 }),
  resolution: fc.constantFrom(1, 1000),
});

describe('clock offset', () => {
  it('always bounds the true offset, whatever the round trips and the Date header rounding', () => {
    fc.assert(
      fc.property(fc.integer({ min: -86_400_000, max: 86_400_000 }), fc.array(request, { minLength: 1, maxLength: 40 }), (offset, requests) => {
        // Prepare: the device clock reads true time minus the offset (server − device = offset).
        let samples: ClockSample[] = [];
        for (const r of requests) samples = addClockSample(samples, sampleOf(offset, SERVER_NOW + r.at, r.up, r.down, r.resolution));

        // Act
        const estimate = estimateClockOffset(samples);

        // Assess
        expect(estimate).not.toBeNull();
        expect(estimate?.lowMs).toBeLessThanOrEqual(offset);
        expect(estimate?.highMs).toBeGreaterThanOrEqual(offset);
        expect(Math.abs((estimate?.offsetMs ?? 0) - offset)).toBeLessThanOrEqual(((estimate?.highMs ?? 0) - (estimate?.lowMs ?? 0)) / 2 + 1);
      }),
    );
  });

  it('is within half a round trip plus half a second from one Date header, and sharper with more', () => {
    // Prepare: ten minutes fast, 80 ms round trips, answers at varying points of the server's second.
    const offset = -600_000;
    const one = [sampleOf(offset, SERVER_NOW + 300, 40, 40, 1000)];
    let many: ClockSample[] = [];
    for (let i = 0; i < CLOCK_SAMPLES_KEPT; i++) many = addClockSample(many, sampleOf(offset, SERVER_NOW + i * 1_063, 40, 40, 1000));

    // Act
    const fromOne = estimateClockOffset(one);
    const fromMany = estimateClockOffset(many);

    // Assess
    expect(Math.abs((fromOne?.offsetMs ?? 0) - offset)).toBeLessThanOrEqual(540);
    expect((fromMany?.highMs ?? 0) - (fromMany?.lowMs ?? 0)).toBeLessThan(200);
    expect(Math.abs((fromMany?.offsetMs ?? 0) - offset)).toBeLessThanOrEqual(100);
  });

  it('follows a clock that was set in between: the newest samples win', () => {
    // Prepare: ten minutes slow, then corrected by the person.
    let samples: ClockSample[] = [];
    for (let i = 0; i < 5; i++) samples = addClockSample(samples, sampleOf(600_000, SERVER_NOW + i * 1000, 20, 20, 1));
    samples = addClockSample(samples, sampleOf(0, SERVER_NOW + 6000, 20, 20, 1));

    // Act
    const estimate = estimateClockOffset(samples);

    // Assess
    expect(estimate).toMatchObject({ samples: 1 });
    expect(Math.abs(estimate?.offsetMs ?? 1e9)).toBeLessThanOrEqual(20);
  });

  it('keeps only the newest samples and leaves out one whose answer came before its request', () => {
    // Prepare
    let samples: ClockSample[] = [];
    for (let i = 0; i < CLOCK_SAMPLES_KEPT + 4; i++) samples = addClockSample(samples, sampleOf(0, SERVER_NOW + i, 5, 5, 1));

    // Act
    const after = addClockSample(samples, { sentAt: 2000, receivedAt: 1000, serverTime: 1500, resolutionMs: 1 });

    // Assess
    expect(samples).toHaveLength(CLOCK_SAMPLES_KEPT);
    expect(after).toEqual(samples);
    expect(estimateClockOffset([])).toBeNull();
  });

  it('corrects nothing while the device clock agrees with the server within what can be measured', () => {
    // Prepare
    const inSync = estimateClockOffset([sampleOf(200, SERVER_NOW + 700, 30, 30, 1000)]);
    const fast = estimateClockOffset([sampleOf(-600_000, SERVER_NOW + 700, 30, 30, 1000)]);

    // Act
    const corrections = [clockCorrectionOf(null), clockCorrectionOf(inSync), clockCorrectionOf(fast)];

    // Assess
    expect(corrections.slice(0, 2)).toEqual([0, 0]);
    expect(Math.abs(corrections[2] as number) - 600_000).toBeLessThanOrEqual(530);
  });

  it('reads an HTTP Date header, and nothing from a missing or broken one', () => {
    expect(parseHttpDate('Sat, 28 Nov 2026 12:00:00 GMT')).toBe(SERVER_NOW);
    expect(parseHttpDate(undefined)).toBeNull();
    expect(parseHttpDate('')).toBeNull();
    expect(parseHttpDate('yesterday')).toBeNull();
  });
});

import { Decoder, Stream, Utils, type FitMessages } from '@garmin/fitsdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readingAt, seriesFromReadings, type SessionSeries } from '../../../src/core/session-series.ts';
import { toFit } from '../../../src/lib/export/export-fit.ts';
import { SESSION_START, seriesArb } from './support/series-arbitrary.ts';

/** Decodes with the SDK's own decoder, after the checks a service importing the file makes. */
function decodeFit(bytes: Uint8Array): FitMessages {
  const decoder = new Decoder(Stream.fromByteArray(Array.from(bytes)));
  expect(decoder.isFIT()).toBe(true);
  expect(decoder.checkIntegrity()).toBe(true);
  const { messages, errors } = decoder.read();
  expect(errors).toEqual([]);
  return messages;
}

function fitSeconds(date: unknown): number {
  expect(date).toBeInstanceOf(Date);
  return ((date as Date).getTime() - Utils.FIT_EPOCH_MS) / 1000;
}

function expectedRecords(series: SessionSeries) {
  return Array.from({ length: series.length }, (_, i) => readingAt(series, i)).map((r) => ({
    timestamp: Math.floor((r.t - Utils.FIT_EPOCH_MS) / 1000),
    heartRate: r.bpm >= 1 && r.bpm <= 254 ? r.bpm : undefined,
  }));
}

describe('toFit', () => {
  it('writes a record per reading and every RR interval, which the SDK decodes back after its integrity check', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        // Act
        const messages = decodeFit(toFit(series, { startedAt: SESSION_START }));

        // Assess
        const records = (messages.recordMesgs ?? []).map((m) => ({ timestamp: fitSeconds(m.timestamp), heartRate: m.heartRate }));
        expect(records).toEqual(expectedRecords(series));
        const hrv = messages.hrvMesgs ?? [];
        expect(hrv.every((m) => (m.time ?? []).length >= 1 && (m.time ?? []).length <= 5)).toBe(true);
        expect(hrv.flatMap((m) => m.time ?? []).map((s) => Math.round(s * 1000))).toEqual(Array.from(series.rr));
      }),
      { numRuns: 50 },
    );
  });

  it('writes the messages of an activity: file id, device, timer, lap, session and activity', () => {
    // Prepare
    const series = seriesFromReadings([
      { t: SESSION_START + 1000, bpm: 80, contact: 'detected', energyKj: 40, rrMs: [750, 748] },
      { t: SESSION_START + 2000, bpm: 0, contact: 'not-detected', energyKj: 50, rrMs: [] },
      { t: SESSION_START + 61_000, bpm: 120, contact: 'detected', energyKj: 82, rrMs: [500, 501, 502, 503, 504, 505] },
    ]);

    // Act
    const messages = decodeFit(toFit(series, { startedAt: SESSION_START }));

    // Assess
    const start = fitSeconds(new Date(SESSION_START));
    expect(messages.fileIdMesgs).toMatchObject([{ type: 'activity', manufacturer: 'development', product: 1, serialNumber: 1 }]);
    expect(fitSeconds(messages.fileIdMesgs?.[0]?.timeCreated)).toBe(start);
    expect(messages.deviceInfoMesgs).toMatchObject([{ deviceIndex: 'creator', manufacturer: 'development' }]);
    expect(messages.eventMesgs?.map((m) => [m.event, m.eventType, fitSeconds(m.timestamp)])).toEqual([
      ['timer', 'start', start],
      ['timer', 'stopAll', start + 61],
    ]);
    const totals = { totalElapsedTime: 61, totalTimerTime: 61, avgHeartRate: 100, maxHeartRate: 120, totalCalories: 10 };
    expect(messages.lapMesgs).toMatchObject([{ ...totals, sport: 'generic' }]);
    expect(messages.sessionMesgs).toMatchObject([{ ...totals, sport: 'generic', numLaps: 1 }]);
    expect(fitSeconds(messages.sessionMesgs?.[0]?.startTime)).toBe(start);
    const activity = messages.activityMesgs?.[0];
    expect(activity).toMatchObject({ numSessions: 1, type: 'manual', event: 'activity', eventType: 'stop' });
    // local_timestamp is a local date_time, which the decoder leaves as FIT seconds.
    expect(activity?.localTimestamp).toBe(start + 61 - new Date(SESSION_START).getTimezoneOffset() * 60);
    expect(messages.recordMesgs?.map((m) => m.heartRate)).toEqual([80, undefined, 120]);
    expect(messages.hrvMesgs?.map((m) => m.time)).toEqual([[0.75, 0.748], [0.5, 0.501, 0.502, 0.503, 0.504], [0.505]]);
  });

  it('writes a valid activity for a session without readings', () => {
    // Act
    const messages = decodeFit(toFit(seriesFromReadings([]), { startedAt: SESSION_START }));

    // Assess
    expect(messages.recordMesgs).toBeUndefined();
    expect(messages.sessionMesgs).toMatchObject([{ totalElapsedTime: 0, numLaps: 1 }]);
    expect(messages.sessionMesgs?.[0]?.avgHeartRate).toBeUndefined();
  });

  it('refuses a start time no file can carry', () => {
    // Act, Assess
    expect(() => toFit(seriesFromReadings([]), { startedAt: Date.UTC(1995, 0, 1) })).toThrow(/start time/);
  });
});

import fc from 'fast-check';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { readingAt, seriesFromReadings, type SessionSeries } from '../../../src/core/session-series.ts';
import { TCX_NAMESPACE, toTcx } from '../../../src/lib/export/export-tcx.ts';
import { SESSION_START, seriesArb } from './support/series-arbitrary.ts';
import { tcxOrderViolations } from './support/tcx-schema.ts';

interface ParsedTcx {
  TrainingCenterDatabase: {
    '@_xmlns': string;
    Activities: {
      Activity: {
        '@_Sport': string;
        Id: string;
        Notes?: string;
        Lap: {
          '@_StartTime': string;
          TotalTimeSeconds: string;
          DistanceMeters: string;
          Calories: string;
          AverageHeartRateBpm?: { Value: string };
          MaximumHeartRateBpm?: { Value: string };
          Intensity: string;
          TriggerMethod: string;
          Track?: { Trackpoint: { Time: string; HeartRateBpm: { Value: string } }[] };
        };
      };
    };
  };
}

function parseTcx(xml: string): ParsedTcx {
  expect(XMLValidator.validate(xml)).toBe(true);
  const parser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, isArray: (name) => name === 'Trackpoint' });
  return parser.parse(xml) as ParsedTcx;
}

/** The readings a TCX file should carry: those with contact and a heart rate one byte holds. */
function readingsWithHeartRate(series: SessionSeries) {
  return Array.from({ length: series.length }, (_, i) => readingAt(series, i)).filter((r) => r.bpm >= 1 && r.bpm <= 254);
}

describe('toTcx', () => {
  it('writes a trackpoint for every reading with a heart rate, in schema order, that reads back to that reading', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        // Prepare
        const expected = readingsWithHeartRate(series);

        // Act
        const xml = toTcx(series, { startedAt: SESSION_START });

        // Assess
        expect(tcxOrderViolations(xml)).toEqual([]);
        const points = parseTcx(xml).TrainingCenterDatabase.Activities.Activity.Lap.Track?.Trackpoint ?? [];
        expect(points.map((p) => ({ t: Date.parse(p.Time), bpm: Number(p.HeartRateBpm.Value) }))).toEqual(expected.map((r) => ({ t: r.t, bpm: r.bpm })));
      }),
    );
  });

  it('sums up the session in one lap: time, energy, average and maximum heart rate', () => {
    // Prepare: energy 100 kJ, then a sensor reset to 5 kJ and on to 25: 0 + 20 + 5 + 20 = 45 kJ ≈ 11 kcal.
    const series = seriesFromReadings([
      { t: SESSION_START + 500, bpm: 80, contact: 'detected', energyKj: 100, rrMs: [] },
      { t: SESSION_START + 1500, bpm: 0, contact: 'not-detected', energyKj: 120, rrMs: [] },
      { t: SESSION_START + 2500, bpm: 91, contact: 'detected', energyKj: 5, rrMs: [] },
      { t: SESSION_START + 90_250, bpm: 100, contact: 'detected', energyKj: 25, rrMs: [] },
    ]);

    // Act
    const tcx = parseTcx(toTcx(series, { startedAt: SESSION_START, name: 'Intervals' }));

    // Assess
    const activity = tcx.TrainingCenterDatabase.Activities.Activity;
    expect(tcx.TrainingCenterDatabase['@_xmlns']).toBe(TCX_NAMESPACE);
    expect(activity['@_Sport']).toBe('Other');
    expect(activity.Id).toBe('2026-11-30T17:45:00.000Z');
    expect(activity.Notes).toBe('Intervals');
    expect(activity.Lap).toMatchObject({
      '@_StartTime': '2026-11-30T17:45:00.000Z',
      TotalTimeSeconds: '90.25',
      DistanceMeters: '0',
      Calories: '11',
      AverageHeartRateBpm: { Value: '90' },
      MaximumHeartRateBpm: { Value: '100' },
      Intensity: 'Active',
      TriggerMethod: 'Manual',
    });
    expect(activity.Lap.Track?.Trackpoint).toHaveLength(3);
  });

  it('escapes the session name and drops characters XML cannot hold', () => {
    // Prepare
    const name = `Tom & "Jerry's" <run>\u0007`;

    // Act
    const xml = toTcx(seriesFromReadings([]), { startedAt: SESSION_START, name });

    // Assess
    expect(xml).toContain('<Notes>Tom &amp; &quot;Jerry&apos;s&quot; &lt;run&gt;</Notes>');
    expect(parseTcx(xml).TrainingCenterDatabase.Activities.Activity.Notes).toBe(`Tom & "Jerry's" <run>`);
  });

  it('writes a valid activity without a track when no reading has a heart rate', () => {
    // Prepare
    const series = seriesFromReadings([{ t: SESSION_START, bpm: 0, contact: 'not-detected', rrMs: [] }]);

    // Act
    const xml = toTcx(series, { startedAt: SESSION_START });

    // Assess
    expect(tcxOrderViolations(xml)).toEqual([]);
    const lap = parseTcx(xml).TrainingCenterDatabase.Activities.Activity.Lap;
    expect(lap.Track).toBeUndefined();
    expect(lap.AverageHeartRateBpm).toBeUndefined();
    expect(lap.Calories).toBe('0');
  });

  it('refuses a start time no file can carry', () => {
    // Act, Assess
    expect(() => toTcx(seriesFromReadings([]), { startedAt: Number.NaN })).toThrow(/start time/);
  });

  it('finds a lap written out of schema order', () => {
    // Prepare: the checker itself must be able to fail.
    const xml = toTcx(seriesFromReadings([]), { startedAt: SESSION_START }).replace('<DistanceMeters>0</DistanceMeters><Calories>0</Calories>', '<Calories>0</Calories><DistanceMeters>0</DistanceMeters>');

    // Act, Assess
    expect(tcxOrderViolations(xml)).toEqual(['/TrainingCenterDatabase/Activities/Activity/Lap: DistanceMeters is out of order']);
  });
});

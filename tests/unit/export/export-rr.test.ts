import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readingAt, seriesFromReadings } from '../../../src/core/session-series.ts';
import { toRrText } from '../../../src/lib/export/export-rr.ts';
import { SESSION_START, seriesArb } from './support/series-arbitrary.ts';

function readRrText(text: string): number[] {
  if (text === '') return [];
  expect(text.endsWith('\n')).toBe(true);
  return text
    .slice(0, -1)
    .split('\n')
    .map((line) => {
      expect(line).toMatch(/^\d+$/);
      return Number(line);
    });
}

describe('toRrText', () => {
  it('gives back every RR interval of every reading, in order, one per line', () => {
    fc.assert(
      fc.property(seriesArb, (series) => {
        // Prepare
        const expected = Array.from({ length: series.length }, (_, i) => readingAt(series, i).rrMs).flat();

        // Act
        const intervals = readRrText(toRrText(series));

        // Assess
        expect(intervals).toEqual(expected);
      }),
    );
  });

  it('keeps artefacts as sent and skips readings without intervals', () => {
    // Prepare: a missed beat (1620 ms between two ~810 ms beats) and a reading without RR.
    const series = seriesFromReadings([
      { t: SESSION_START, bpm: 74, contact: 'detected', rrMs: [810, 1620] },
      { t: SESSION_START + 1000, bpm: 74, contact: 'detected', rrMs: [] },
      { t: SESSION_START + 2000, bpm: 75, contact: 'detected', rrMs: [805] },
    ]);

    // Act
    const text = toRrText(series);

    // Assess
    expect(text).toBe('810\n1620\n805\n');
  });

  it('gives an empty file for a session without RR intervals', () => {
    // Prepare
    const series = seriesFromReadings([{ t: SESSION_START, bpm: 74, contact: 'unsupported', rrMs: [] }]);

    // Act, Assess
    expect(toRrText(series)).toBe('');
  });
});

import { describe, expect, it } from 'vitest';
import { activeAlertIds, createAlertState, foldReading, foldTime, snoozeAlerts, startWatching, type AlertEvent } from '../../../src/core/alert-engine.ts';
import { parseAlertSettings, presetAlertRules, type AlertSettings } from '../../../src/core/alert-rules.ts';

function settingsOf(value: unknown): AlertSettings {
  const parsed = parseAlertSettings(value);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.settings;
}

describe('alert engine', () => {
  it('fires a high alert after its hold time and clears it only back inside the margin, through ±1 bpm of noise', () => {
    // Prepare
    const settings = settingsOf({ rules: [{ id: 'high', kind: 'high', bpm: 150, forS: 10 }], hysteresisBpm: 3 });
    const state = createAlertState();
    const bpms = [...Array.from({ length: 40 }, (_, i) => 151 + (i % 3) - 1), ...Array.from({ length: 5 }, () => 140)];

    // Act
    const events = bpms.flatMap((bpm, seq) => foldReading(settings, state, { seq, at: seq * 1000, bpm }));

    // Assess
    expect(events.map((e) => [e.type, e.at])).toEqual([
      ['fired', 11_000],
      ['cleared', 40_000],
    ]);
  });

  it('gives the same events once when a batch is replayed', () => {
    // Prepare
    const settings = settingsOf({ rules: [{ id: 'low', kind: 'low', bpm: 45, forS: 0 }] });
    const state = createAlertState();
    const readings = [60, 40, 41, 60].map((bpm, seq) => ({ seq, at: seq * 1000, bpm }));

    // Act
    const first = readings.flatMap((r) => foldReading(settings, state, r));
    const replay = readings.flatMap((r) => foldReading(settings, state, r));

    // Assess
    expect(first.map((e) => e.type)).toEqual(['fired', 'cleared']);
    expect(replay).toEqual([]);
  });

  it('fires "no data" from the passage of time, at the moment the silence reached its length, and not when snoozed', () => {
    // Prepare
    const settings = settingsOf({ rules: [{ id: 'quiet', kind: 'no-data', forS: 30 }] });
    const watched = createAlertState();
    const snoozed = createAlertState();
    startWatching(watched, 0);
    startWatching(snoozed, 0);
    snoozeAlerts(snoozed, null, 60_000);

    // Act
    const early = foldTime(settings, watched, 29_000, true);
    const due: AlertEvent[] = foldTime(settings, watched, 45_000, true);
    const whileSnoozed = foldTime(settings, snoozed, 45_000, true);

    // Assess
    expect(early).toEqual([]);
    expect(due).toEqual([{ ruleId: 'quiet', kind: 'no-data', type: 'fired', at: 30_000, value: null }]);
    expect(whileSnoozed).toEqual([]);
    expect(activeAlertIds(settings, watched)).toEqual(['quiet']);
  });

  it('offers presets that parse', () => {
    // Act
    const parsed = parseAlertSettings({ rules: presetAlertRules(190) });

    // Assess
    expect(parsed.ok).toBe(true);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  activeAlertIds,
  createAlertState,
  foldReading,
  foldTime,
  snoozeAlerts,
  startWatching,
  type AlertEvent,
  type AlertReading,
  type AlertState,
} from '../../../src/core/alert-engine.ts';
import { parseAlertSettings, presetAlertRules, type AlertSettings } from '../../../src/core/alert-rules.ts';
import { zoneBounds } from '../../../src/core/zones.ts';

const START = Date.UTC(2026, 10, 28, 12, 0, 0);

function settingsOf(value: unknown): AlertSettings {
  const parsed = parseAlertSettings(value);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.settings;
}

/** One rule with the given margin and repeat interval (repeats off unless asked for). */
function oneRule(rule: Record<string, unknown>, more: { hysteresisBpm?: number; repeatAfterS?: number } = {}): AlertSettings {
  return settingsOf({ rules: [{ id: 'r', ...rule }], hysteresisBpm: more.hysteresisBpm ?? 3, repeatAfterS: more.repeatAfterS ?? 0 });
}

/** A reading at `second` seconds after START; seq follows the time, so every call is a new reading. */
function at(second: number, bpm: number, contact?: boolean): AlertReading {
  return { seq: Math.round(second * 1000), at: START + second * 1000, bpm, contact };
}

/** Folds readings given as [second, bpm] pairs in order. */
function foldAll(settings: AlertSettings, state: AlertState, readings: ReadonlyArray<readonly [number, number]>): AlertEvent[] {
  return readings.flatMap(([second, bpm]) => foldReading(settings, state, at(second, bpm)));
}

/** Events as [type, seconds after START, value], the shape most assertions read best in. */
function brief(events: readonly AlertEvent[]): Array<[string, number, number | null]> {
  return events.map((e) => [e.type, (e.at - START) / 1000, e.value]);
}

describe('alert engine', () => {
  describe('thresholds', () => {
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

    it('fires a high alert only strictly above its threshold, at once when it has no hold time, with the value that fired it', () => {
      // Prepare
      const settings = oneRule({ kind: 'high', bpm: 150, forS: 0 });
      const state = createAlertState();

      // Act
      const events = foldAll(settings, state, [
        [0, 150],
        [1, 151],
      ]);

      // Assess
      expect(events).toEqual([{ ruleId: 'r', kind: 'high', type: 'fired', at: START + 1000, value: 151 }]);
    });

    it('fires a low alert strictly below its threshold after its hold time and clears it at the threshold plus the margin', () => {
      // Prepare
      const settings = oneRule({ kind: 'low', bpm: 45, forS: 5 }, { hysteresisBpm: 3 });
      const state = createAlertState();

      // Act
      const events = foldAll(settings, state, [
        [0, 45],
        [1, 44],
        [5, 44],
        [6, 44],
        [7, 47],
        [8, 48],
      ]);

      // Assess
      expect(brief(events)).toEqual([
        ['fired', 6, 44],
        ['cleared', 8, 48],
      ]);
    });

    it('fires a zone alert from the zone floor of src/core/zones.ts, above the zone too, and clears it below the floor by the margin', () => {
      // Prepare
      const floor = zoneBounds(190)[3]?.minBpm ?? NaN;
      const zone5 = zoneBounds(190)[4]?.minBpm ?? NaN;
      const settings = oneRule({ kind: 'zone', zone: 4, maxHr: 190, forS: 0 }, { hysteresisBpm: 3 });
      const fromBelow = createAlertState();
      const fromAbove = createAlertState();

      // Act
      const climbing = foldAll(settings, fromBelow, [
        [0, floor - 1],
        [1, floor],
        [2, floor - 3],
        [3, floor - 4],
      ]);
      const jumping = foldAll(settings, fromAbove, [[0, zone5 + 10]]);

      // Assess
      expect(floor).toBe(152);
      expect(brief(climbing)).toEqual([
        ['fired', 1, floor],
        ['cleared', 3, floor - 4],
      ]);
      expect(brief(jumping)).toEqual([['fired', 0, zone5 + 10]]);
    });
  });

  describe('hold time and hysteresis', () => {
    it('keeps a pending hold through readings inside the margin, and restarts it after a reading back inside', () => {
      // Prepare
      const settings = oneRule({ kind: 'high', bpm: 150, forS: 10 }, { hysteresisBpm: 3 });
      const throughBand = createAlertState();
      const throughInside = createAlertState();

      // Act
      const band = foldAll(settings, throughBand, [
        [0, 151],
        [3, 148],
        [10, 151],
      ]);
      const inside = foldAll(settings, throughInside, [
        [0, 151],
        [3, 147],
        [4, 151],
        [10, 151],
        [14, 151],
      ]);

      // Assess
      expect(brief(band)).toEqual([['fired', 10, 151]]);
      expect(brief(inside)).toEqual([['fired', 14, 151]]);
    });
  });

  describe('repeat interval', () => {
    it('fires a rule again no sooner than repeatAfterS after it fired, and only if its condition still holds then', () => {
      // Prepare
      const settings = oneRule({ kind: 'high', bpm: 150, forS: 0 }, { hysteresisBpm: 3, repeatAfterS: 60 });
      const state = createAlertState();

      // Act
      const events = foldAll(settings, state, [
        [0, 151],
        [10, 140],
        [20, 151],
        [59, 151],
        [60, 151],
        [61, 140],
        [70, 151],
        [80, 140],
        [125, 140],
        [130, 151],
      ]);

      // Assess: the excursion from 70 s ended inside the window and is never reported late.
      expect(brief(events)).toEqual([
        ['fired', 0, 151],
        ['cleared', 10, 140],
        ['fired', 60, 151],
        ['cleared', 61, 140],
        ['fired', 130, 151],
      ]);
    });
  });

  describe('snooze', () => {
    const twoHighs = settingsOf({
      rules: [
        { id: 'high', kind: 'high', bpm: 150, forS: 0 },
        { id: 'very-high', kind: 'high', bpm: 170, forS: 0 },
      ],
      repeatAfterS: 0,
    });

    it('holds back one snoozed rule until the snooze ends while the others fire', () => {
      // Prepare
      const state = createAlertState();
      snoozeAlerts(state, 'high', START + 30_000);

      // Act
      const events = foldAll(twoHighs, state, [
        [10, 175],
        [29, 175],
        [30, 175],
      ]);

      // Assess
      expect(events.map((e) => [e.ruleId, (e.at - START) / 1000])).toEqual([
        ['very-high', 10],
        ['high', 30],
      ]);
    });

    it('holds back every rule when all are snoozed', () => {
      // Prepare
      const state = createAlertState();
      snoozeAlerts(state, null, START + 30_000);

      // Act
      const during = foldAll(twoHighs, state, [[10, 175]]);
      const after = foldAll(twoHighs, state, [[31, 175]]);

      // Assess
      expect(during).toEqual([]);
      expect(after.map((e) => [e.ruleId, (e.at - START) / 1000])).toEqual([
        ['high', 31],
        ['very-high', 31],
      ]);
    });

    it('does not report after the snooze a condition that ended during it, and still reports a clear during it', () => {
      // Prepare
      const settings = oneRule({ kind: 'high', bpm: 150, forS: 0 });
      const ended = createAlertState();
      const active = createAlertState();
      snoozeAlerts(ended, null, START + 30_000);

      // Act
      const endedEvents = foldAll(settings, ended, [
        [10, 175],
        [20, 140],
        [40, 140],
      ]);
      const fired = foldAll(settings, active, [[0, 175]]);
      snoozeAlerts(active, 'r', START + 60_000);
      const cleared = foldAll(settings, active, [[10, 140]]);

      // Assess
      expect(endedEvents).toEqual([]);
      expect(brief([...fired, ...cleared])).toEqual([
        ['fired', 0, 175],
        ['cleared', 10, 140],
      ]);
    });
  });

  describe('no data', () => {
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

    it('fires once however often time is folded, clears on the next reading, and fires again after another silence once the repeat interval allows', () => {
      // Prepare
      const settings = oneRule({ kind: 'no-data', forS: 30 }, { repeatAfterS: 60 });
      const state = createAlertState();
      const ticks = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => foldTime(settings, state, START + (from + i) * 1000, true)).flat();

      // Act
      const events = [
        ...foldAll(settings, state, [[0, 80]]),
        ...ticks(1, 49),
        ...foldAll(settings, state, [[50, 80]]),
        ...ticks(51, 100),
        ...foldAll(settings, state, [[200, 80]]),
        ...ticks(201, 240),
      ];

      // Assess: the second silence reached 30 s at 80 s, but the rule fired at 30 s, so not before 90 s.
      expect(brief(events)).toEqual([
        ['fired', 30, null],
        ['cleared', 50, null],
        ['fired', 90, null],
        ['cleared', 200, null],
        ['fired', 230, null],
      ]);
    });

    it('waits for a snooze that ended before time was next folded, and fires at its end, not during it', () => {
      // Prepare
      const settings = oneRule({ kind: 'no-data', forS: 30 });
      const state = createAlertState();
      startWatching(state, START);
      snoozeAlerts(state, null, START + 60_000);

      // Act
      const during = foldTime(settings, state, START + 45_000, true);
      const after = foldTime(settings, state, START + 100_000, true);

      // Assess
      expect(during).toEqual([]);
      expect(brief(after)).toEqual([['fired', 60, null]]);
    });

    it('never fires while not broadcasting, clears when the broadcast stops, and counts a silence afresh once it resumes', () => {
      // Prepare
      const settings = oneRule({ kind: 'no-data', forS: 30 });
      const stopped = createAlertState();
      const resumed = createAlertState();
      const alerted = createAlertState();
      foldAll(settings, stopped, [[0, 80]]);
      foldAll(settings, resumed, [[0, 80]]);
      foldAll(settings, alerted, [[0, 80]]);
      const fired = foldTime(settings, alerted, START + 40_000, true);

      // Act
      const whileStopped = foldTime(settings, stopped, START + 100_000, false);
      foldTime(settings, resumed, START + 100_000, false);
      startWatching(resumed, START + 200_000);
      const justResumed = foldTime(settings, resumed, START + 210_000, true);
      const silentAgain = foldTime(settings, resumed, START + 240_000, true);
      const stop = foldTime(settings, alerted, START + 50_000, false);

      // Assess
      expect(whileStopped).toEqual([]);
      expect(justResumed).toEqual([]);
      expect(brief(silentAgain)).toEqual([['fired', 230, null]]);
      expect(brief([...fired, ...stop])).toEqual([
        ['fired', 30, null],
        ['cleared', 50, null],
      ]);
    });

    it('does not fire before watching started or a reading arrived', () => {
      // Prepare
      const settings = oneRule({ kind: 'no-data', forS: 1 });
      const state = createAlertState();

      // Act
      const events = foldTime(settings, state, START + 3_600_000, true);

      // Assess
      expect(events).toEqual([]);
    });
  });

  describe('contact lost', () => {
    it('fires on contact false or 0 bpm held for its time, and clears on a reading with contact', () => {
      // Prepare
      const settings = oneRule({ kind: 'contact-lost', forS: 5 });
      const state = createAlertState();
      const readings = [at(0, 80, true), at(1, 80, false), at(3, 0), at(6, 0, false), at(7, 80)];

      // Act
      const events = readings.flatMap((r) => foldReading(settings, state, r));

      // Assess
      expect(brief(events)).toEqual([
        ['fired', 6, null],
        ['cleared', 7, null],
      ]);
    });

    it('lets high, low and zone rules ignore readings without contact: they neither fire, clear nor restart a hold', () => {
      // Prepare
      const settings = settingsOf({
        rules: [
          { id: 'high', kind: 'high', bpm: 150, forS: 0 },
          { id: 'low', kind: 'low', bpm: 45, forS: 0 },
          { id: 'zone', kind: 'zone', zone: 1, maxHr: 190, forS: 0 },
          { id: 'slow-high', kind: 'high', bpm: 150, forS: 10 },
        ],
        repeatAfterS: 0,
      });
      const state = createAlertState();
      const readings = [at(0, 0, false), at(1, 30, false), at(2, 220, false), at(3, 160), at(5, 100, false), at(13, 160), at(14, 100)];

      // Act
      const events = readings.flatMap((r) => foldReading(settings, state, r).map((e) => [e.ruleId, e.type, (e.at - START) / 1000]));

      // Assess
      expect(events).toEqual([
        ['high', 'fired', 3],
        ['zone', 'fired', 3],
        ['slow-high', 'fired', 13],
        ['high', 'cleared', 14],
        ['slow-high', 'cleared', 14],
      ]);
    });
  });

  describe('replay, rule changes and state', () => {
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

    it('ignores a reading that arrives after a later one: late news does not fire an alert', () => {
      // Prepare
      const settings = oneRule({ kind: 'high', bpm: 150, forS: 0 });
      const state = createAlertState();

      // Act
      const newer = foldReading(settings, state, { seq: 5, at: START + 5000, bpm: 100 });
      const older = foldReading(settings, state, { seq: 4, at: START + 4000, bpm: 190 });

      // Assess
      expect([...newer, ...older]).toEqual([]);
    });

    it('starts a rule changed under the same id afresh: its old alert is no longer on and its old repeat window does not hold it back', () => {
      // Prepare
      const before = oneRule({ kind: 'high', bpm: 150, forS: 0 }, { repeatAfterS: 600 });
      const after = oneRule({ kind: 'high', bpm: 160, forS: 0 }, { repeatAfterS: 600 });
      const state = createAlertState();
      const fired = foldAll(before, state, [[0, 155]]);

      // Act
      const changed = foldAll(after, state, [[1, 155]]);
      const activeAfterChange = activeAlertIds(after, state);
      const refired = foldAll(after, state, [[2, 161]]);

      // Assess
      expect(brief(fired)).toEqual([['fired', 0, 155]]);
      expect(changed).toEqual([]);
      expect(activeAfterChange).toEqual([]);
      expect(brief(refired)).toEqual([['fired', 2, 161]]);
      expect(Object.keys(state.rules)).toHaveLength(1);
    });

    it('keeps the presets quiet for a resting heart rate', () => {
      // Prepare
      const settings = settingsOf({ rules: presetAlertRules(190) });
      const state = createAlertState();
      startWatching(state, START);

      // Act
      const events = Array.from({ length: 600 }, (_, i) => [
        ...foldReading(settings, state, at(i, 60 + (i % 5), true)),
        ...foldTime(settings, state, START + i * 1000 + 500, true),
      ]).flat();

      // Assess
      expect(events).toEqual([]);
    });
  });

  describe('properties', () => {
    const RULE = fc.oneof(
      fc.record({ kind: fc.constant('high'), bpm: fc.integer({ min: 60, max: 180 }), forS: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('low'), bpm: fc.integer({ min: 40, max: 120 }), forS: fc.integer({ min: 0, max: 20 }) }),
      fc.record({ kind: fc.constant('no-data'), forS: fc.integer({ min: 1, max: 60 }) }),
      fc.record({ kind: fc.constant('contact-lost'), forS: fc.integer({ min: 0, max: 20 }) }),
      fc.record({
        kind: fc.constant('zone'),
        zone: fc.integer({ min: 1, max: 5 }),
        maxHr: fc.integer({ min: 150, max: 210 }),
        forS: fc.integer({ min: 0, max: 20 }),
      }),
    );
    const SETTINGS = fc
      .record({
        rules: fc.array(RULE, { minLength: 1, maxLength: 8 }),
        hysteresisBpm: fc.integer({ min: 2, max: 10 }),
        repeatAfterS: fc.integer({ min: 0, max: 120 }),
      })
      .map((s) => settingsOf({ ...s, rules: s.rules.map((rule, i) => ({ id: `r${i}`, ...rule })) }));

    /** A heart rate that wanders (steps of up to 8 bpm), with contact losses and gaps from none to 90 s. */
    const READINGS = fc
      .array(
        fc.record({
          gapMs: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 90_000 })),
          step: fc.integer({ min: -8, max: 8 }),
          contact: fc.oneof(fc.constant(undefined), fc.constant(true), fc.constant(true), fc.constant(false)),
        }),
        { maxLength: 150 },
      )
      .map((items) => {
        let t = START;
        let bpm = 110;
        return items.map(({ gapMs, step, contact }, seq): AlertReading => {
          t += gapMs;
          bpm = Math.min(220, Math.max(30, bpm + step));
          return { seq, at: t, bpm: contact === false && step % 2 === 0 ? 0 : bpm, contact };
        });
      });

    /** Fractions (per mille) of the gap after each reading at which the evaluator folds time in. */
    const TICKS = fc.array(fc.array(fc.integer({ min: 0, max: 999 }), { maxLength: 4 }), { maxLength: 150 });

    /** Each reading followed by foldTime at the given fractions of the gap to the next (90 s after the last). */
    function timeline(readings: readonly AlertReading[], ticks: readonly number[][], lastOnly: boolean): Array<AlertReading | number> {
      return readings.flatMap((reading, i) => {
        const next = readings[i + 1]?.at ?? reading.at + 90_000;
        const times = [...(ticks[i] ?? [])].sort((a, b) => a - b).map((p) => reading.at + Math.floor(((next - reading.at) * p) / 1000));
        return [reading, ...(lastOnly ? times.slice(-1) : times)];
      });
    }

    function play(settings: AlertSettings, state: AlertState, steps: ReadonlyArray<AlertReading | number>): AlertEvent[] {
      return steps.flatMap((step) => (typeof step === 'number' ? foldTime(settings, state, step, true) : foldReading(settings, state, step)));
    }

    it('does not flap under ±1 bpm of noise around any threshold: one fired at most, never cleared', () => {
      fc.assert(
        fc.property(
          fc.constantFrom('high', 'low', 'zone'),
          fc.integer({ min: 40, max: 200 }),
          fc.integer({ min: 2, max: 20 }),
          fc.integer({ min: 0, max: 5 }),
          fc.integer({ min: 0, max: 120 }),
          fc.array(fc.integer({ min: -1, max: 1 }), { minLength: 1, maxLength: 300 }),
          (kind, threshold, hysteresisBpm, forS, repeatAfterS, noise) => {
            // Prepare: a zone rule's threshold is its floor; pick the max HR whose zone 3 floor is nearest.
            const maxHr = Math.min(230, Math.max(100, Math.round(threshold / 0.7)));
            const rule = kind === 'zone' ? { kind, zone: 3, maxHr, forS } : { kind, bpm: threshold, forS };
            const centre = kind === 'zone' ? (zoneBounds(maxHr)[2]?.minBpm ?? NaN) : threshold;
            const settings = oneRule(rule, { hysteresisBpm, repeatAfterS });
            const state = createAlertState();

            // Act
            const events = noise.flatMap((n, i) => foldReading(settings, state, { seq: i, at: START + i * 1000, bpm: centre + n }));

            // Assess
            expect(events.filter((e) => e.type === 'fired').length).toBeLessThanOrEqual(1);
            expect(events.filter((e) => e.type === 'cleared')).toEqual([]);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('fires a threshold rule at most once per excursion beyond the margin, and clears only back inside it', () => {
      fc.assert(
        fc.property(fc.constantFrom('high', 'low'), fc.integer({ min: 80, max: 140 }), SETTINGS, READINGS, (kind, bpm, base, readings) => {
          // Prepare: back inside by the margin, in the test's own words.
          const settings: AlertSettings = { ...base, rules: [{ id: 'r', kind, bpm, forS: 2 }] };
          const h = settings.hysteresisBpm;
          const inside = (r: AlertReading) => r.contact !== false && r.bpm > 0 && (kind === 'high' ? r.bpm <= bpm - h : r.bpm >= bpm + h);
          const state = createAlertState();

          // Act
          const perReading = readings.map((r) => foldReading(settings, state, r));

          // Assess
          let firedInExcursion = 0;
          readings.forEach((r, i) => {
            if (inside(r)) firedInExcursion = 0;
            for (const e of perReading[i] ?? []) {
              if (e.type === 'cleared') expect(inside(r)).toBe(true);
              else expect(++firedInExcursion).toBe(1);
            }
          });
        }),
        { numRuns: 300 },
      );
    });

    it('gives the same events once however batches are re-delivered from any earlier point', () => {
      fc.assert(
        fc.property(SETTINGS, READINGS, fc.array(fc.nat(), { maxLength: 20 }), (settings, readings, restarts) => {
          // Prepare: a batch fails after part of it was folded and is re-delivered from an earlier reading.
          const clean = play(settings, createAlertState(), readings);
          const state = createAlertState();
          const delivered: AlertEvent[] = [];
          let progress = 0;
          for (const restart of restarts) {
            const from = restart % (progress + 1);
            const to = progress + (restart % 17);
            delivered.push(...play(settings, state, readings.slice(from, to)));
            progress = Math.min(to, readings.length);
          }

          // Act
          delivered.push(...play(settings, state, readings));

          // Assess
          expect(delivered).toEqual(clean);
        }),
        { numRuns: 200 },
      );
    });

    it('gives the same events whether time is folded in many times between readings or once, at the last of those times', () => {
      fc.assert(
        fc.property(SETTINGS, READINGS, TICKS, (settings, readings, ticks) => {
          // Act
          const many = play(settings, createAlertState(), timeline(readings, ticks, false));
          const once = play(settings, createAlertState(), timeline(readings, ticks, true));

          // Assess
          expect(many).toEqual(once);
        }),
        { numRuns: 200 },
      );
    });

    it('fires "no data" at the last reading plus its length, or the repeat interval after the last firing, when time is folded every second', () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 120 }), fc.array(fc.integer({ min: 1, max: 150 }), { maxLength: 40 }), (forS, repeatAfterS, gapsS) => {
          // Prepare
          const settings = oneRule({ kind: 'no-data', forS }, { repeatAfterS });
          const readings = [0, ...gapsS].map((_, i) => at(gapsS.slice(0, i).reduce((sum, g) => sum + g, 0), 80));
          const steps = readings.flatMap((r, i) => {
            const next = readings[i + 1]?.at ?? r.at + 150_000;
            return [r, ...Array.from({ length: (next - r.at) / 1000 - 1 }, (_, k) => r.at + (k + 1) * 1000)];
          });

          // Act
          const events = play(settings, createAlertState(), steps);

          // Assess: the model, in seconds.
          const expected: Array<[string, number, null]> = [];
          let lastFired = -Infinity;
          readings.forEach((r, i) => {
            const from = (r.at - START) / 1000;
            const next = readings[i + 1] === undefined ? from + 150 : ((readings[i + 1]?.at ?? 0) - START) / 1000;
            const due = Math.max(from + forS, lastFired + repeatAfterS);
            if (due <= next - 1) {
              expected.push(['fired', due, null]);
              lastFired = due;
              if (readings[i + 1] !== undefined) expected.push(['cleared', next, null]);
            }
          });
          expect(brief(events)).toEqual(expected);
        }),
        { numRuns: 200 },
      );
    });

    it('gives the same events when the state is saved as JSON and read back at any point', () => {
      fc.assert(
        fc.property(SETTINGS, READINGS, TICKS, fc.nat(), (settings, readings, ticks, cut) => {
          // Prepare
          const steps = timeline(readings, ticks, false);
          const split = cut % (steps.length + 1);
          const whole = play(settings, createAlertState(), steps);

          // Act
          const before = createAlertState();
          const first = play(settings, before, steps.slice(0, split));
          const restored = JSON.parse(JSON.stringify(before)) as AlertState;
          const rest = play(settings, restored, steps.slice(split));

          // Assess
          expect([...first, ...rest]).toEqual(whole);
        }),
        { numRuns: 200 },
      );
    });

    it('keeps the state bounded by the rule count, whatever the rule changes and snoozes', () => {
      fc.assert(
        fc.property(
          fc.array(SETTINGS, { minLength: 1, maxLength: 4 }),
          READINGS,
          fc.array(fc.record({ id: fc.option(fc.constantFrom('r0', 'r3', 'r7', 'gone'), { nil: null }), forMs: fc.integer({ min: 1, max: 600_000 }) })),
          (settingsList, readings, snoozes) => {
            // Prepare
            const state = createAlertState();

            readings.forEach((reading, i) => {
              // Act: the rules change, a snooze is set, a reading and the time are folded.
              const settings = settingsList[i % settingsList.length];
              if (settings === undefined) return;
              const snooze = snoozes[i];
              if (snooze) snoozeAlerts(state, snooze.id, reading.at + snooze.forMs);
              foldReading(settings, state, reading);
              foldTime(settings, state, reading.at + 500, i % 3 !== 0);

              // Assess
              expect(Object.keys(state.rules).length).toBeLessThanOrEqual(settings.rules.length);
              expect(Object.keys(state.snoozedUntil).length).toBeLessThanOrEqual(settings.rules.length + 1);
            });
          },
        ),
        { numRuns: 100 },
      );
    });
  });
});

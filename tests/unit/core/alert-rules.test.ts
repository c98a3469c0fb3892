import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ALERT_LIMITS, DEFAULT_ALERT_SETTINGS, parseAlertSettings, presetAlertRules } from '../../../src/core/alert-rules.ts';
import { MAX_PLAUSIBLE_MAX_HR, MIN_PLAUSIBLE_MAX_HR, zoneBounds } from '../../../src/core/zones.ts';

const HIGH = { id: 'high', kind: 'high', bpm: 171, forS: 10 };

/** Whether settings with one field of one rule (or of the settings) set to `value` parse. */
function parsesWithRule(rule: Record<string, unknown>, field: string, value: unknown): boolean {
  return parseAlertSettings({ rules: [{ ...rule, [field]: value }] }).ok;
}

function parsesWithSetting(field: string, value: unknown): boolean {
  return parseAlertSettings({ rules: [HIGH], [field]: value }).ok;
}

describe('alert rules', () => {
  describe('parseAlertSettings', () => {
    it('reads every kind of rule, builds fresh objects without unknown fields, and fills in the default margin and repeat', () => {
      // Prepare
      const value = {
        rules: [
          { ...HIGH, colour: 'red' },
          { id: 'low', kind: 'low', bpm: 40, forS: 10 },
          { id: 'no-data', kind: 'no-data', forS: 30 },
          { id: 'contact', kind: 'contact-lost', forS: 15 },
          { id: 'zone-4', kind: 'zone', zone: 4, maxHr: 190, forS: 0 },
        ],
        extra: true,
      };

      // Act
      const parsed = parseAlertSettings(value);

      // Assess
      expect(parsed).toEqual({
        ok: true,
        settings: {
          rules: [HIGH, ...value.rules.slice(1)],
          hysteresisBpm: DEFAULT_ALERT_SETTINGS.hysteresisBpm,
          repeatAfterS: DEFAULT_ALERT_SETTINGS.repeatAfterS,
        },
      });
    });

    it.each([
      ['high', 'bpm', ALERT_LIMITS.minBpm, ALERT_LIMITS.maxBpm],
      ['low', 'bpm', ALERT_LIMITS.minBpm, ALERT_LIMITS.maxBpm],
      ['high', 'forS', 0, ALERT_LIMITS.maxForS],
      ['low', 'forS', 0, ALERT_LIMITS.maxForS],
      ['no-data', 'forS', 1, ALERT_LIMITS.maxNoDataS],
      ['contact-lost', 'forS', 0, ALERT_LIMITS.maxForS],
      ['zone', 'forS', 0, ALERT_LIMITS.maxForS],
      ['zone', 'zone', 1, 5],
      ['zone', 'maxHr', ALERT_LIMITS.minMaxHr, ALERT_LIMITS.maxMaxHr],
    ])('bounds a %s rule’s %s to %i…%i, both ends included, whole numbers only', (kind, field, min, max) => {
      // Prepare
      const rule = { id: 'r', kind, bpm: 150, forS: 10, zone: 3, maxHr: 190 };

      // Act
      const results = [min - 1, min, max, max + 1, min + 0.5, String(min), null].map((v) => parsesWithRule(rule, field, v));

      // Assess
      expect(results).toEqual([false, true, true, false, false, false, false]);
    });

    it.each([
      ['hysteresisBpm', ALERT_LIMITS.minHysteresisBpm, ALERT_LIMITS.maxHysteresisBpm],
      ['repeatAfterS', 0, ALERT_LIMITS.maxRepeatAfterS],
    ])('bounds %s to %i…%i, both ends included, whole numbers only', (field, min, max) => {
      // Act
      const results = [min - 1, min, max, max + 1, min + 0.5, String(min)].map((v) => parsesWithSetting(field, v));

      // Assess
      expect(results).toEqual([false, true, true, false, false, false]);
    });

    it('refuses a margin under 2 bpm, which ±1 bpm of noise around a threshold would cross', () => {
      // Act
      const results = [0, 1, 2].map((v) => parsesWithSetting('hysteresisBpm', v));

      // Assess
      expect(results).toEqual([false, false, true]);
    });

    it('takes at most the rule limit, and ids of 1 to 16 lowercase letters, digits and dashes, each once', () => {
      // Prepare
      const many = (n: number) => ({ rules: Array.from({ length: n }, (_, i) => ({ ...HIGH, id: `r${i}` })) });

      // Act
      const counts = [0, ALERT_LIMITS.maxRules, ALERT_LIMITS.maxRules + 1].map((n) => parseAlertSettings(many(n)).ok);
      const ids = ['a', 'a'.repeat(16), 'a'.repeat(17), '', 'High', 'a b', 'é', '*', 7].map((id) => parsesWithRule(HIGH, 'id', id));
      const duplicate = parseAlertSettings({ rules: [HIGH, { ...HIGH, bpm: 180 }] });

      // Assess
      expect(counts).toEqual([true, true, false]);
      expect(ids).toEqual([true, true, false, false, false, false, false, false, false]);
      expect(duplicate).toEqual({ ok: false, reason: 'duplicate rule id high' });
    });

    it('refuses what is not settings with a reason, and never throws', () => {
      // Prepare
      const values: unknown[] = [null, 'rules', [], 7, { rules: {} }, { rules: [null] }, { rules: [[]] }, { rules: [{ id: 'x', kind: 'fast', forS: 1 }] }];

      // Act
      const results = values.map((v) => parseAlertSettings(v));

      // Assess
      for (const result of results) {
        expect(result.ok).toBe(false);
        if (!result.ok) expect(result.reason).toMatch(/\w/);
      }
    });

    it('never throws on any JSON, and what it accepts stays within the limits', () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.record({ rules: fc.array(fc.jsonValue(), { maxLength: 10 }) })), (value) => {
          // Act
          const parsed = parseAlertSettings(value);

          // Assess
          if (parsed.ok) expect(parsed.settings.rules.length).toBeLessThanOrEqual(ALERT_LIMITS.maxRules);
        }),
        { numRuns: 2000 },
      );
    });
  });

  describe('presetAlertRules', () => {
    it('gives rules that parse for every plausible max heart rate, high at the zone 5 floor and above the low', () => {
      for (let maxHr = MIN_PLAUSIBLE_MAX_HR; maxHr <= MAX_PLAUSIBLE_MAX_HR; maxHr++) {
        // Act
        const rules = presetAlertRules(maxHr);
        const parsed = parseAlertSettings({ rules });

        // Assess
        expect(parsed.ok, `max HR ${maxHr}`).toBe(true);
        const high = rules.find((r) => r.kind === 'high');
        const low = rules.find((r) => r.kind === 'low');
        expect(high?.bpm).toBe(zoneBounds(maxHr)[4]?.minBpm);
        expect(high && low && high.bpm > low.bpm).toBe(true);
      }
    });
  });
});

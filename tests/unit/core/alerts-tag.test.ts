import { describe, expect, it } from 'vitest';
import { ALERTS_TAG_PATTERN, alertsTagOf } from '../../../src/core/alerts-tag.ts';
import type { SessionAlerts } from '../../../src/core/live-api-types.ts';

const SHARED: SessionAlerts = {
  settings: { rules: [{ id: 'high', kind: 'high', bpm: 171, forS: 10 }], hysteresisBpm: 3, repeatAfterS: 60 },
  active: [],
  recent: [],
};

describe('alertsTagOf', () => {
  it('gives the same alerts the same tag, and any change another', () => {
    // Prepare
    const fired: SessionAlerts = { ...SHARED, active: ['high'], recent: [{ ruleId: 'high', kind: 'high', type: 'fired', at: 1, value: 172 }] };
    const later: SessionAlerts = { ...fired, recent: [{ ruleId: 'high', kind: 'high', type: 'fired', at: 2, value: 172 }] };
    // Act
    const tags = [SHARED, fired, later, undefined].map(alertsTagOf);
    // Assess
    expect(alertsTagOf(structuredClone(fired))).toBe(tags[1]);
    expect(new Set(tags).size).toBe(4);
    for (const tag of tags) expect(tag).toMatch(ALERTS_TAG_PATTERN);
  });
});

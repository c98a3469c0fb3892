import { describe, expect, it } from 'vitest';
import type { AlertRule } from '../../../src/core/alert-rules.ts';
import { alertTitle, describeRule, describeRuleSentence, describeSeconds } from '../../../src/core/alert-text.ts';

describe('alert text', () => {
  it('says what each kind of rule means, with its threshold and hold time', () => {
    // Prepare
    const rules: AlertRule[] = [
      { id: 'high', kind: 'high', bpm: 171, forS: 10 },
      { id: 'low', kind: 'low', bpm: 40, forS: 0 },
      { id: 'no-data', kind: 'no-data', forS: 30 },
      { id: 'contact', kind: 'contact-lost', forS: 90 },
      { id: 'zone-4', kind: 'zone', zone: 4, maxHr: 190, forS: 60 },
      { id: 'zone-5', kind: 'zone', zone: 5, maxHr: 190, forS: 0 },
    ];

    // Act
    const texts = rules.map(describeRule);

    // Assess
    expect(texts).toEqual([
      'above 171 bpm for 10 s',
      'below 40 bpm',
      'no data for 30 s',
      'no skin contact for 1 min 30 s',
      'zone 4 or above (152 bpm and up) for 1 min',
      'zone 5 (171 bpm and up)',
    ]);
  });

  it('capitalises the rule as a sentence of its own and names each kind', () => {
    expect(describeRuleSentence({ id: 'no-data', kind: 'no-data', forS: 5 })).toBe('No data for 5 s');
    expect(alertTitle('contact-lost')).toBe('Sensor contact lost');
  });

  it('writes durations in hours, minutes and seconds, leaving out the zero parts', () => {
    // Act
    const texts = [0, 1, 59, 60, 61, 3600, 3661, 86_400].map(describeSeconds);

    // Assess
    expect(texts).toEqual(['0 s', '1 s', '59 s', '1 min', '1 min 1 s', '1 h', '1 h 1 min 1 s', '24 h']);
  });
});

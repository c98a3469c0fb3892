// What a rule means, in the words the app shows beside an alert ("above 171 bpm for 10 s"): one wording for the
// broadcaster's settings, banner and log and for the viewer page, so both say the same thing about one rule.
import type { AlertRule, AlertRuleKind } from './alert-rules.ts';
import { zoneBounds } from './zones.ts';

const TITLES: Record<AlertRuleKind, string> = {
  high: 'High heart rate',
  low: 'Low heart rate',
  'no-data': 'No data',
  'contact-lost': 'Sensor contact lost',
  zone: 'Heart-rate zone',
};

/** The kind of rule as a heading: "High heart rate". */
export function alertTitle(kind: AlertRuleKind): string {
  return TITLES[kind];
}

/** "above 171 bpm for 10 s", "no data for 30 s", "zone 4 or above (152 bpm and up) for 1 min". */
export function describeRule(rule: AlertRule): string {
  const hold = rule.forS > 0 ? ` for ${describeSeconds(rule.forS)}` : '';
  switch (rule.kind) {
    case 'high':
      return `above ${rule.bpm} bpm${hold}`;
    case 'low':
      return `below ${rule.bpm} bpm${hold}`;
    case 'no-data':
      return `no data${hold}`;
    case 'contact-lost':
      return `no skin contact${hold}`;
    case 'zone': {
      const floor = zoneBounds(rule.maxHr)[rule.zone - 1]?.minBpm;
      const above = rule.zone < 5 ? ' or above' : '';
      return `zone ${rule.zone}${above} (${floor} bpm and up)${hold}`;
    }
  }
}

/** The rule as a sentence of its own, capitalised: "Above 171 bpm for 10 s" (the viewer's lists and banner). */
export function describeRuleSentence(rule: AlertRule): string {
  const text = describeRule(rule);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Whole seconds in hours, minutes and seconds, the zero parts left out: "45 s", "1 min 30 s", "24 h". */
export function describeSeconds(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const min = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const parts = [h > 0 ? `${h} h` : '', min > 0 ? `${min} min` : '', s > 0 || seconds === 0 ? `${s} s` : ''];
  return parts.filter((part) => part !== '').join(' ');
}

// How an alert rule and its events read to a person: the words the banner, the log and a notification use,
// so an alert always says what happened in text, never by colour alone.
import type { AlertRule, AlertRuleKind } from '../../core/alert-rules.ts';
import { zoneBounds } from '../../core/zones.ts';

const TITLES: Record<AlertRuleKind, string> = {
  high: 'High heart rate',
  low: 'Low heart rate',
  'no-data': 'No data',
  'contact-lost': 'Sensor contact lost',
  zone: 'Heart-rate zone',
};

export function alertTitle(kind: AlertRuleKind): string {
  return TITLES[kind];
}

/** The rule as a sentence: "above 170 bpm for 10 s". */
export function describeRule(rule: AlertRule): string {
  const hold = rule.forS > 0 ? ` for ${duration(rule.forS)}` : '';
  switch (rule.kind) {
    case 'high':
      return `above ${rule.bpm} bpm${hold}`;
    case 'low':
      return `below ${rule.bpm} bpm${hold}`;
    case 'no-data':
      return `no reading for ${duration(rule.forS)}`;
    case 'contact-lost':
      return `no skin contact${hold}`;
    case 'zone': {
      const floor = zoneBounds(rule.maxHr)[rule.zone - 1]?.minBpm;
      return `in zone ${rule.zone} or above (from ${floor} bpm, max ${rule.maxHr})${hold}`;
    }
  }
}

export function duration(seconds: number): string {
  if (seconds < 60 || seconds % 60 !== 0) return `${seconds} s`;
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${seconds / 60} min`;
}

/** Local wall-clock time with seconds, as the log and the banner show it. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

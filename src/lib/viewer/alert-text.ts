// What an alert rule means, in the words the viewer page shows ("Above 171 bpm for 10 s").
import type { AlertRule } from '../../core/alert-rules.ts';

export function describeRule(rule: AlertRule): string {
  const hold = rule.forS > 0 ? ` for ${rule.forS} s` : '';
  switch (rule.kind) {
    case 'high':
      return `Above ${rule.bpm} bpm${hold}`;
    case 'low':
      return `Below ${rule.bpm} bpm${hold}`;
    case 'no-data':
      return `No data for ${rule.forS} s`;
    case 'contact-lost':
      return `No sensor contact${hold}`;
    case 'zone':
      return `In zone ${rule.zone} or above${hold}`;
  }
}

/** A clock time for an epoch-ms instant in the server's time, as the page's locale writes it. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

// Alert rules: what a person (or a viewer) asks to be told about, the limits any rule must stay within, and
// the presets the app offers. One strict parser, used by the app for what it stores, by the consumer for the
// rules a control record carries, and by the viewer for rules kept in its browser: a rule outside these
// bounds is refused, never clamped, so nobody is alerted on a threshold they did not set.
import { zoneBounds } from './zones.ts';

export const ALERT_RULE_KINDS = ['high', 'low', 'no-data', 'contact-lost', 'zone'] as const;
export type AlertRuleKind = (typeof ALERT_RULE_KINDS)[number];

interface RuleBase {
  /** Short and unique within a rule set: events name their rule by it. */
  id: string;
  /** The condition must hold this long before the alert fires, in seconds. */
  forS: number;
}

/** Above `bpm` for at least `forS`. */
export interface HighRule extends RuleBase {
  kind: 'high';
  bpm: number;
}

/** Below `bpm` for at least `forS`. */
export interface LowRule extends RuleBase {
  kind: 'low';
  bpm: number;
}

/** No reading for `forS` while broadcasting. Needs the passage of time, not readings. */
export interface NoDataRule extends RuleBase {
  kind: 'no-data';
}

/** The sensor reports no skin contact for `forS`. */
export interface ContactLostRule extends RuleBase {
  kind: 'contact-lost';
}

/** In zone `zone` (of `maxHr`, src/core/zones.ts) or above it, for at least `forS`. */
export interface ZoneRule extends RuleBase {
  kind: 'zone';
  zone: 1 | 2 | 3 | 4 | 5;
  maxHr: number;
}

export type AlertRule = HighRule | LowRule | NoDataRule | ContactLostRule | ZoneRule;

export interface AlertSettings {
  rules: AlertRule[];
  /** A fired high/low/zone alert clears only once the heart rate is back inside by this many bpm. */
  hysteresisBpm: number;
  /** After an alert fires, the same rule fires again no sooner than this, in seconds. */
  repeatAfterS: number;
}

export const ALERT_LIMITS = {
  // A control record is at most 1 KiB (src/core/record.ts): eight compact rules fit with room to spare.
  maxRules: 8,
  idPattern: /^[a-z0-9-]{1,16}$/,
  // The plausible range of src/core/record.ts BOUNDS: a threshold outside it can never be crossed.
  minBpm: 25,
  maxBpm: 250,
  // Zero means at once; an hour is longer than any condition worth being told about later.
  maxForS: 3600,
  // Whole-session silence can be long (a sensor off the strap); a day bounds what a server must remember.
  maxNoDataS: 86_400,
  // A high alert at X fires at X + 1; noise of ±1 bpm around X reaches X − 1, which must not clear it.
  minHysteresisBpm: 2,
  maxHysteresisBpm: 20,
  maxRepeatAfterS: 86_400,
  minMaxHr: 100,
  maxMaxHr: 230,
} as const;

export const DEFAULT_ALERT_SETTINGS: AlertSettings = {
  rules: [],
  // ±1 bpm of noise around a threshold must not flap an alert: 3 bpm is three times that.
  hysteresisBpm: 3,
  // Long enough that a heart rate hovering at a threshold is one alert a minute at most, not one a second.
  repeatAfterS: 60,
};

/** Sensible starting rules from the person's max heart rate: high in zone 5, low, silence, contact. */
export function presetAlertRules(maxHr: number): AlertRule[] {
  const zone5 = zoneBounds(maxHr)[4]?.minBpm ?? Math.ceil(maxHr * 0.9);
  return [
    { id: 'high', kind: 'high', bpm: Math.min(ALERT_LIMITS.maxBpm, zone5), forS: 10 },
    { id: 'low', kind: 'low', bpm: 40, forS: 10 },
    { id: 'no-data', kind: 'no-data', forS: 30 },
    { id: 'contact', kind: 'contact-lost', forS: 15 },
  ];
}

export type ParseAlertSettingsResult = { ok: true; settings: AlertSettings } | { ok: false; reason: string };

/** The one strict reading of alert settings from anywhere (a control record, localStorage, a form). */
export function parseAlertSettings(value: unknown): ParseAlertSettingsResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse('settings must be an object');
  const o = value as Record<string, unknown>;
  if (!Array.isArray(o.rules)) return refuse('rules must be a list');
  if (o.rules.length > ALERT_LIMITS.maxRules) return refuse(`at most ${ALERT_LIMITS.maxRules} rules`);
  const hysteresisBpm = o.hysteresisBpm ?? DEFAULT_ALERT_SETTINGS.hysteresisBpm;
  if (!isIntegerIn(hysteresisBpm, ALERT_LIMITS.minHysteresisBpm, ALERT_LIMITS.maxHysteresisBpm)) return refuse('hysteresisBpm out of range');
  const repeatAfterS = o.repeatAfterS ?? DEFAULT_ALERT_SETTINGS.repeatAfterS;
  if (!isIntegerIn(repeatAfterS, 0, ALERT_LIMITS.maxRepeatAfterS)) return refuse('repeatAfterS out of range');
  const rules: AlertRule[] = [];
  const ids = new Set<string>();
  for (const item of o.rules) {
    const rule = parseRule(item);
    if (typeof rule === 'string') return refuse(rule);
    if (ids.has(rule.id)) return refuse(`duplicate rule id ${rule.id}`);
    ids.add(rule.id);
    rules.push(rule);
  }
  return { ok: true, settings: { rules, hysteresisBpm, repeatAfterS } };
}

function parseRule(value: unknown): AlertRule | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'a rule must be an object';
  const o = value as Record<string, unknown>;
  if (typeof o.id !== 'string' || !ALERT_LIMITS.idPattern.test(o.id)) return 'bad rule id';
  const id = o.id;
  switch (o.kind) {
    case 'high':
    case 'low':
      if (!isIntegerIn(o.bpm, ALERT_LIMITS.minBpm, ALERT_LIMITS.maxBpm)) return `rule ${id}: bpm out of range`;
      if (!isIntegerIn(o.forS, 0, ALERT_LIMITS.maxForS)) return `rule ${id}: forS out of range`;
      return { id, kind: o.kind, bpm: o.bpm, forS: o.forS };
    case 'no-data':
      // At least one second: "no reading for 0 s" would fire between any two readings.
      if (!isIntegerIn(o.forS, 1, ALERT_LIMITS.maxNoDataS)) return `rule ${id}: forS out of range`;
      return { id, kind: 'no-data', forS: o.forS };
    case 'contact-lost':
      if (!isIntegerIn(o.forS, 0, ALERT_LIMITS.maxForS)) return `rule ${id}: forS out of range`;
      return { id, kind: 'contact-lost', forS: o.forS };
    case 'zone':
      if (!isIntegerIn(o.zone, 1, 5)) return `rule ${id}: zone must be 1 to 5`;
      if (!isIntegerIn(o.maxHr, ALERT_LIMITS.minMaxHr, ALERT_LIMITS.maxMaxHr)) return `rule ${id}: maxHr out of range`;
      if (!isIntegerIn(o.forS, 0, ALERT_LIMITS.maxForS)) return `rule ${id}: forS out of range`;
      return { id, kind: 'zone', zone: o.zone as ZoneRule['zone'], maxHr: o.maxHr, forS: o.forS };
    default:
      return `rule ${id}: unknown kind`;
  }
}

function refuse(reason: string): ParseAlertSettingsResult {
  return { ok: false, reason };
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}

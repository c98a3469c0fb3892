// The alert engine: folds readings, and the passage of time, into alert events. The same code runs on the
// broadcaster's device (from the sensor, so it works offline), in the consumer (in stream order) and in the
// scheduled evaluator that fires "no data", so a person and their viewers are told the same thing.
//
// Time is whatever clock the caller feeds (`at`): the device's own on the phone, the server's receive time in
// the pipeline. The state is plain JSON, so a store can keep it beside the session and resume after a restart.
// Replaying readings already folded (seq not above the newest seen) changes nothing and emits nothing, so a
// replayed batch gives its events once.
import type { AlertRule, AlertRuleKind, AlertSettings } from './alert-rules.ts';
import { zoneBounds } from './zones.ts';

export interface AlertEvent {
  ruleId: string;
  kind: AlertRuleKind;
  type: 'fired' | 'cleared';
  /** Epoch ms on the caller's clock. For "no data", the moment the silence reached its length. */
  at: number;
  /** The heart rate that fired or cleared a high, low or zone alert; null for the others. */
  value: number | null;
}

export interface AlertReading {
  /** The producer's sequence number: readings at or below the newest seen are ignored (replays, resends). */
  seq: number;
  at: number;
  bpm: number;
  contact?: boolean;
}

interface RuleState {
  active: boolean;
  /** Since when the condition has held, while it holds. */
  since: number | null;
  lastFiredAt: number | null;
}

export interface AlertState {
  /** Per rule, keyed by the rule's whole definition: a rule changed under the same id starts afresh. */
  rules: Record<string, RuleState>;
  lastSeq: number | null;
  /** The newest time folded in: time never runs backwards inside the engine. */
  lastAt: number | null;
  /**
   * When the last reading (of any kind) arrived, or when watching started: what "no data" measures from. Null
   * while not broadcasting, so a silence by choice is never counted once the broadcast resumes.
   */
  lastDataAt: number | null;
  /** Rule id (or "*" for all) → snoozed until, epoch ms; forgotten once over or once the rule is gone. */
  snoozedUntil: Record<string, number>;
}

export function createAlertState(): AlertState {
  return { rules: {}, lastSeq: null, lastAt: null, lastDataAt: null, snoozedUntil: {} };
}

/** Starts the "no data" clock (a broadcast began) without a reading. */
export function startWatching(state: AlertState, at: number): void {
  state.lastDataAt ??= at;
}

/**
 * Silences one rule (or every rule, with null) until `until` (a finite epoch ms: the state is JSON); an alert
 * that would fire meanwhile waits, and fires at the first fold after it if its condition still holds.
 */
export function snoozeAlerts(state: AlertState, ruleId: string | null, until: number): void {
  state.snoozedUntil[ruleId ?? '*'] = until;
}

/** Rule ids whose alert is on now. */
export function activeAlertIds(settings: AlertSettings, state: AlertState): string[] {
  return settings.rules.filter((rule) => state.rules[ruleKey(rule)]?.active === true).map((rule) => rule.id);
}

/** Folds one reading in; returns the events it caused, in order. Mutates `state`. */
export function foldReading(settings: AlertSettings, state: AlertState, reading: AlertReading): AlertEvent[] {
  if (state.lastSeq !== null && reading.seq <= state.lastSeq) return [];
  state.lastSeq = reading.seq;
  const at = advance(state, reading.at);
  state.lastDataAt = at;
  pruneStates(settings, state);
  // Garmin watches send 0 bpm on contact loss: no heart rate to compare with a threshold.
  const hasContact = reading.contact !== false && reading.bpm > 0;
  const events: AlertEvent[] = [];
  for (const rule of settings.rules) {
    const st = stateOf(state, rule);
    switch (rule.kind) {
      case 'high':
      case 'low':
      case 'zone':
        if (hasContact) foldThreshold(settings, state, rule, st, at, reading.bpm, events);
        break;
      case 'contact-lost':
        if (!hasContact) {
          st.since ??= at;
          tryFire(settings, state, rule, st, at, null, events);
        } else clear(rule, st, at, null, events);
        break;
      case 'no-data':
        // Any reading ends a silence.
        clear(rule, st, at, null, events);
        break;
    }
  }
  pruneSnoozes(settings, state, at);
  return events;
}

/**
 * Folds the passage of time in: fires "no data" for a silence that has lasted its length. Only while the
 * session is being broadcast: a stopped broadcast is silent by choice, so it clears a "no data" alert and the
 * next silence counts from when watching starts again. Call it only for a `now` up to which every reading has
 * been folded: a reading still on its way would look like silence. Mutates `state`.
 */
export function foldTime(settings: AlertSettings, state: AlertState, now: number, broadcasting: boolean): AlertEvent[] {
  const at = advance(state, now);
  pruneStates(settings, state);
  const events: AlertEvent[] = [];
  if (!broadcasting) {
    // A stopped broadcast ends the silence as a reading would, and the next silence is measured from when
    // watching starts again (or the next reading), not from the last reading before the stop.
    state.lastDataAt = null;
    for (const rule of settings.rules) if (rule.kind === 'no-data') clear(rule, stateOf(state, rule), at, null, events);
  } else if (state.lastDataAt !== null) {
    const lastDataAt = state.lastDataAt;
    for (const rule of settings.rules) {
      if (rule.kind !== 'no-data') continue;
      const st = stateOf(state, rule);
      if (st.active) continue;
      // The silence began with the last data; the alert is due when it reached its length, a fixed time that
      // does not depend on when the evaluator happened to run.
      st.since = lastDataAt;
      const due = Math.max(lastDataAt + rule.forS * 1000, earliestRepeat(settings, st), snoozeEnd(state, rule.id));
      if (at >= due) tryFire(settings, state, rule, st, due, null, events);
    }
  }
  pruneSnoozes(settings, state, at);
  // Several "no data" rules folded late fire at their own due times: in time order, as if folded every second.
  return events.sort((a, b) => a.at - b.at);
}

function foldThreshold(
  settings: AlertSettings,
  state: AlertState,
  rule: Extract<AlertRule, { kind: 'high' | 'low' | 'zone' }>,
  st: RuleState,
  at: number,
  bpm: number,
  events: AlertEvent[],
): void {
  const h = settings.hysteresisBpm;
  let beyond: boolean;
  let backInside: boolean;
  if (rule.kind === 'high') {
    beyond = bpm > rule.bpm;
    backInside = bpm <= rule.bpm - h;
  } else if (rule.kind === 'low') {
    beyond = bpm < rule.bpm;
    backInside = bpm >= rule.bpm + h;
  } else {
    const floor = zoneBounds(rule.maxHr)[rule.zone - 1]?.minBpm ?? Infinity;
    beyond = bpm >= floor;
    backInside = bpm <= floor - 1 - h;
  }
  if (beyond) {
    st.since ??= at;
    tryFire(settings, state, rule, st, at, bpm, events);
  } else if (backInside) {
    clear(rule, st, at, bpm, events);
  }
  // Between the threshold and the margin nothing changes: noise around a threshold neither clears a fired
  // alert nor restarts the wait of one about to fire.
}

function tryFire(settings: AlertSettings, state: AlertState, rule: AlertRule, st: RuleState, at: number, value: number | null, events: AlertEvent[]): void {
  if (st.active || st.since === null) return;
  if (at - st.since < rule.forS * 1000) return;
  if (at < earliestRepeat(settings, st)) return;
  if (at < snoozeEnd(state, rule.id)) return;
  st.active = true;
  st.lastFiredAt = at;
  events.push({ ruleId: rule.id, kind: rule.kind, type: 'fired', at, value });
}

function clear(rule: AlertRule, st: RuleState, at: number, value: number | null, events: AlertEvent[]): void {
  st.since = null;
  if (!st.active) return;
  st.active = false;
  events.push({ ruleId: rule.id, kind: rule.kind, type: 'cleared', at, value });
}

function earliestRepeat(settings: AlertSettings, st: RuleState): number {
  return st.lastFiredAt === null ? -Infinity : st.lastFiredAt + settings.repeatAfterS * 1000;
}

function snoozeEnd(state: AlertState, ruleId: string): number {
  return Math.max(state.snoozedUntil[ruleId] ?? -Infinity, state.snoozedUntil['*'] ?? -Infinity);
}

function advance(state: AlertState, at: number): number {
  const next = state.lastAt === null ? at : Math.max(state.lastAt, at);
  state.lastAt = next;
  return next;
}

function ruleKey(rule: AlertRule): string {
  return JSON.stringify(rule);
}

function stateOf(state: AlertState, rule: AlertRule): RuleState {
  const key = ruleKey(rule);
  let st = state.rules[key];
  if (!st) {
    st = { active: false, since: null, lastFiredAt: null };
    state.rules[key] = st;
  }
  return st;
}

/** Forgets the state of rules no longer set, so the state stays as small as the rule list. */
function pruneStates(settings: AlertSettings, state: AlertState): void {
  const keep = new Set(settings.rules.map(ruleKey));
  for (const key of Object.keys(state.rules)) if (!keep.has(key)) delete state.rules[key];
}

/**
 * Forgets snoozes that are over or whose rule is gone, so snoozing cannot grow the state either. Only at the
 * end of a fold: a snooze that ended before `at` may still have set when a "no data" alert was due.
 */
function pruneSnoozes(settings: AlertSettings, state: AlertState, at: number): void {
  const ids = new Set(settings.rules.map((rule) => rule.id));
  for (const [id, until] of Object.entries(state.snoozedUntil)) {
    if (until <= at || (id !== '*' && !ids.has(id))) delete state.snoozedUntil[id];
  }
}

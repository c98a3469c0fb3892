// The viewer page's alerts, free of Svelte so they can be tested with a fake API, a fake clock and fake outputs:
// the broadcaster's shared alerts as the live API serves them, and the viewer's own thresholds evaluated here
// by the core engine from the readings this page receives. Both reach the same banner, sound, vibration and
// notification; every alert says whose it is.
//
// Time: the readings carry only their device time, not when the server received them, so the own engine is fed
// the server's clock: readings at the serverTime of the answer that brought them (a long-poll answers the
// moment a reading lands), the passage of time at the page's clock corrected by the measured offset. The
// banner shows every time in the server's clock.
import { activeAlertIds, createAlertState, foldReading, foldTime, startWatching, type AlertEvent, type AlertState } from '../../core/alert-engine.ts';
import type { AlertRule, AlertSettings } from '../../core/alert-rules.ts';
import type { PublicReading } from '../../core/live-api-types.ts';
import { describeRuleSentence } from '../../core/alert-text.ts';
import type { OwnAlertStore } from './own-alert-settings.ts';
import type { ViewerController, ViewerSnapshot } from './viewer-controller.ts';
import { shownStatus } from './viewer-status.ts';

export type AlertSource = 'broadcaster' | 'own';

/** An alert that is on now. */
export interface ShownAlert {
  source: AlertSource;
  ruleId: string;
  /** What the rule means ("Above 171 bpm for 10 s"). */
  text: string;
  /** The heart rate that fired it, when the rule has one and the event is known. */
  value: number | null;
  /** When it fired, server time; null when the server no longer lists the event. */
  at: number | null;
}

export interface ShownAlertEvent extends AlertEvent {
  source: AlertSource;
  text: string;
}

/**
 * Why alerts are not (fully) working now. offline: this page cannot reach the live API, so alerts may be
 * missed; ended: the broadcast finished; revoked, expired: the link was turned off or expired, and every alert
 * is cleared.
 */
export type AlertsHalt = 'offline' | 'ended' | 'revoked' | 'expired' | null;

export interface ViewerAlertsSnapshot {
  /** The broadcaster shares alerts with viewers. */
  shared: boolean;
  /** The broadcaster's rules, when shared. */
  sharedRules: readonly AlertRule[];
  /** On now: the broadcaster's first, then the viewer's own. */
  active: readonly ShownAlert[];
  /** Newest first, both sources. */
  recent: readonly ShownAlertEvent[];
  own: AlertSettings;
  /** Said only when there are alerts to halt: own rules set, or the broadcaster's seen on this page. */
  halt: AlertsHalt;
}

/** The ways an alert reaches the person; each says whether it did. */
export interface AlertOutputs {
  sound(): boolean;
  vibrate(): boolean;
  /** A system notification, only while the page is hidden. */
  notify(title: string, body: string): boolean;
}

export interface ViewerAlertsDeps {
  viewer: Pick<ViewerController, 'snapshot' | 'subscribe' | 'onReadings'>;
  outputs: AlertOutputs;
  store: OwnAlertStore;
  /** The page's clock. */
  now: () => number;
  /** Calls fn every ms until the returned function is called. */
  every: (ms: number, fn: () => void) => () => void;
}

// How often the own "no data" rule is checked while the session is live.
export const OWN_TICK_MS = 1000;
// A reading older than this when it reaches the page is history (the catch-up on opening, a backlog after an
// outage): shown on the chart, never alerted on. Alerting now on a minute-old crossing would mislead.
export const OWN_MAX_AGE_MS = 60_000;
export const RECENT_LIMIT = 20;

export const SOURCE_LABEL: Record<AlertSource, string> = { broadcaster: "Broadcaster's alert", own: 'Your alert' };

export class ViewerAlerts {
  private own: AlertSettings;
  private ownState: AlertState = createAlertState();
  private ownEvents: ShownAlertEvent[] = [];
  /** Shared events already seen (so each sounds once); null until the first shared answer. */
  private sharedSeen: Set<string> | null = null;
  private view: ViewerSnapshot;
  private state: ViewerAlertsSnapshot;
  private stopTicks: (() => void) | null = null;
  private unsubscribe: (() => void)[] = [];
  private readonly listeners = new Set<(snapshot: ViewerAlertsSnapshot) => void>();

  constructor(private readonly deps: ViewerAlertsDeps) {
    this.own = deps.store.load();
    this.view = deps.viewer.snapshot;
    this.state = this.compute();
  }

  get snapshot(): ViewerAlertsSnapshot {
    return this.state;
  }

  start(): void {
    this.unsubscribe = [
      this.deps.viewer.subscribe((view) => this.viewChanged(view)),
      this.deps.viewer.onReadings((readings, serverTime) => this.readingsAdded(readings, serverTime)),
    ];
    this.stopTicks = this.deps.every(OWN_TICK_MS, () => this.tick());
  }

  stop(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    this.stopTicks?.();
    this.stopTicks = null;
  }

  /** New own thresholds: kept in this browser, evaluated from the next reading on. */
  setOwn(settings: AlertSettings): void {
    this.own = settings;
    this.deps.store.save(settings);
    // Changed rules start afresh (the engine keys state by rule); the silence keeps counting.
    this.publish();
  }

  /** Called with every new snapshot; returns an unsubscribe function. */
  subscribe(listener: (snapshot: ViewerAlertsSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The check between answers: "no data" needs time, not readings. */
  tick(): void {
    const serverNow = this.serverNow();
    if (!this.watching(serverNow)) return;
    // Readings the server received that this page did not fold (history, a catch-up after a disconnection)
    // still end a silence: a session with data must not show "no data".
    const received = this.view.lastReceivedAt;
    if (received !== null && this.ownState.lastDataAt !== null && received > this.ownState.lastDataAt) this.ownState.lastDataAt = received;
    this.ownFired(foldTime(this.own, this.ownState, serverNow, true));
    this.publish();
  }

  private viewChanged(view: ViewerSnapshot): void {
    this.view = view;
    const halt = this.haltOf(this.serverNow());
    if (isOver(halt)) {
      // Nothing is evaluated for a session that is over; if it comes back, its silence counts from then.
      this.ownState = createAlertState();
      if (isClosed(halt)) this.ownEvents = [];
    } else if (this.watching(this.serverNow())) {
      startWatching(this.ownState, view.lastReceivedAt ?? this.serverNow());
    }
    this.sharedChanged(halt);
    this.publish();
  }

  private readingsAdded(readings: readonly PublicReading[], serverTime: number): void {
    if (isOver(this.haltOf(this.serverNow()))) return;
    const fresh = readings.filter((r) => serverTime - r.t <= OWN_MAX_AGE_MS).sort((a, b) => a.seq - b.seq);
    const events: AlertEvent[] = [];
    for (const r of fresh) {
      const reading = r.contact === undefined ? { seq: r.seq, at: serverTime, bpm: r.bpm } : { seq: r.seq, at: serverTime, bpm: r.bpm, contact: r.contact };
      events.push(...foldReading(this.own, this.ownState, reading));
    }
    this.ownFired(events);
    this.publish();
  }

  private ownFired(events: readonly AlertEvent[]): void {
    for (const event of events) {
      const rule = this.own.rules.find((r) => r.id === event.ruleId);
      const shown: ShownAlertEvent = { ...event, source: 'own', text: rule ? describeRuleSentence(rule) : event.ruleId };
      this.ownEvents = [...this.ownEvents, shown].slice(-RECENT_LIMIT);
      if (event.type === 'fired') this.deliver(shown);
    }
  }

  /** New broadcaster events sound once; those already there when the page opened only show. */
  private sharedChanged(halt: AlertsHalt): void {
    const alerts = this.view.alerts;
    if (alerts === null) return;
    const keys = alerts.recent.map(eventKey);
    if (this.sharedSeen === null) {
      this.sharedSeen = new Set(keys);
      return;
    }
    for (const [i, event] of alerts.recent.entries()) {
      const key = keys[i] ?? '';
      if (this.sharedSeen.has(key)) continue;
      this.sharedSeen.add(key);
      if (event.type !== 'fired' || isOver(halt)) continue;
      const rule = alerts.settings.rules.find((r) => r.id === event.ruleId);
      this.deliver({ ...event, source: 'broadcaster', text: rule ? describeRuleSentence(rule) : event.ruleId });
    }
  }

  private deliver(event: ShownAlertEvent): void {
    const value = event.value === null ? '' : ` (${event.value} bpm)`;
    this.deps.outputs.sound();
    this.deps.outputs.vibrate();
    this.deps.outputs.notify(SOURCE_LABEL[event.source], `${event.text}${value}`);
  }

  private compute(): ViewerAlertsSnapshot {
    const halt = this.haltOf(this.serverNow());
    const alerts = isClosed(halt) ? null : this.view.alerts;
    const over = isOver(halt);
    const shared = alerts?.recent.map((e) => withText(e, 'broadcaster', alerts.settings.rules)) ?? [];
    const active: ShownAlert[] = over
      ? []
      : [
          ...(alerts?.active ?? []).map((id) => activeOf('broadcaster', id, alerts?.settings.rules ?? [], shared)),
          ...activeAlertIds(this.own, this.ownState).map((id) => activeOf('own', id, this.own.rules, this.ownEvents)),
        ];
    // Each source lists oldest first: reversed, a stable sort keeps events of the same instant newest first.
    const recent = [...shared, ...this.ownEvents].reverse().sort((a, b) => b.at - a.at).slice(0, RECENT_LIMIT);
    const inPlay = this.own.rules.length > 0 || this.sharedSeen !== null;
    return { shared: alerts !== null, sharedRules: alerts?.settings.rules ?? [], active, recent, own: this.own, halt: inPlay ? halt : null };
  }

  private haltOf(serverNow: number): AlertsHalt {
    const status = shownStatus(this.view, serverNow);
    if (status === 'offline') return 'offline';
    if (status === 'ended') return 'ended';
    if (status === 'revoked' || status === 'expired') return status;
    return null;
  }

  /** Whether the session is being broadcast as far as this page knows: live or stale, and reachable. */
  private watching(serverNow: number): boolean {
    const status = shownStatus(this.view, serverNow);
    return status === 'live' || status === 'stale';
  }

  private serverNow(): number {
    return this.deps.now() + this.view.clockOffset;
  }

  private publish(): void {
    this.state = this.compute();
    for (const listener of this.listeners) listener(this.state);
  }
}

function isClosed(halt: AlertsHalt): boolean {
  return halt === 'revoked' || halt === 'expired';
}

function isOver(halt: AlertsHalt): boolean {
  return halt === 'ended' || isClosed(halt);
}

function eventKey(e: AlertEvent): string {
  return `${e.ruleId}|${e.type}|${e.at}`;
}

function withText(event: AlertEvent, source: AlertSource, rules: readonly AlertRule[]): ShownAlertEvent {
  const rule = rules.find((r) => r.id === event.ruleId);
  return { ...event, source, text: rule ? describeRuleSentence(rule) : event.ruleId };
}

function activeOf(source: AlertSource, ruleId: string, rules: readonly AlertRule[], events: readonly ShownAlertEvent[]): ShownAlert {
  const rule = rules.find((r) => r.id === ruleId);
  const fired = [...events].reverse().find((e) => e.ruleId === ruleId && e.type === 'fired');
  return { source, ruleId, text: rule ? describeRuleSentence(rule) : ruleId, value: fired?.value ?? null, at: fired?.at ?? null };
}

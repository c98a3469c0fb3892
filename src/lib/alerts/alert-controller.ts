// Alerts on the broadcaster's device: folds the sensor's readings (timed by this device's receive time) and, each
// second while a sensor is in use, the passage of time into alert events with the core engine, so alerts work
// offline. It keeps what the person sees (the banner, snooze, the session's log) and hands each fired alert to
// `signal` (sound, vibration, notification) and the rules viewers are to see to `share` (the uplink).
import { parseAlertSettings } from '../../core/alert-rules.ts';
import { activeAlertIds, createAlertState, foldReading, foldTime, snoozeAlerts, startWatching, type AlertEvent, type AlertState } from '../../core/alert-engine.ts';
import type { SharedAlerts } from '../../core/record.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import { StatusStore } from '../uplink/status-store.ts';
import { ALERT_LOG_LIMITS, readAlertLog, writeAlertLog, type AlertLogEntry } from './alert-log.ts';
import { readAlertPreferences, writeAlertPreferences, type AlertPreferences } from './alert-preferences.ts';
import { alertTitle, describeRule } from '../../core/alert-text.ts';
import { clockTime } from '../clock-time.ts';

/** A fired alert on the banner, until the person dismisses it; it says so when it has cleared. */
export interface BannerAlert {
  ruleId: string;
  kind: AlertEvent['kind'];
  title: string;
  /** The rule as it read when the alert fired. */
  rule: string;
  value: number | null;
  firedAt: number;
  clearedAt: number | null;
}

export interface AlertSnapshot {
  preferences: AlertPreferences;
  banner: readonly BannerAlert[];
  /** Rule ids whose alert is on now. */
  active: readonly string[];
  /** This session's events, oldest first. */
  log: readonly AlertLogEntry[];
  /** While every alert is snoozed: until when. */
  snoozedUntil: number | null;
  /** A sensor is in use, so silence counts as "no data". */
  watching: boolean;
}

export interface AlertControllerDeps {
  storage: Pick<Storage, 'getItem' | 'setItem'> | null;
  now: () => number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every: (ms: number, tick: () => void) => () => void;
  /** Sound, vibration, notification: called once per fired alert. */
  signal: (alert: BannerAlert) => void;
  /** What viewers are to see: called at start while shared, and at every change of it. */
  share: (alerts: SharedAlerts) => void;
  /** The max heart rate the presets start from when nothing is stored. */
  maxHr?: number;
}

// The log is kept per broadcast session; events before the first session (not yet broadcasting) are kept under
// this id and go with the session that starts next.
const NO_SESSION = '';
const TICK_MS = 1000;

export class AlertController {
  private readonly status: StatusStore<AlertSnapshot>;
  private engine: AlertState = createAlertState();
  /** The engine ignores a reading at or below the newest seq: this device's readings come in order. */
  private seq = 0;
  private sessionId = NO_SESSION;
  private stopTimer: (() => void) | null = null;

  constructor(private readonly deps: AlertControllerDeps) {
    const preferences = readAlertPreferences(deps.storage, deps.maxHr);
    this.status = new StatusStore<AlertSnapshot>({
      preferences,
      banner: [],
      active: [],
      log: readAlertLog(deps.storage, NO_SESSION),
      snoozedUntil: null,
      watching: false,
    });
    if (preferences.enabled && preferences.share) deps.share({ share: true, settings: preferences.settings });
  }

  get snapshot(): AlertSnapshot {
    return this.status.snapshot;
  }

  subscribe(listener: (snapshot: AlertSnapshot) => void): () => void {
    return this.status.subscribe(listener);
  }

  reading({ reading, receivedAt }: TimedReading): void {
    const { enabled, settings } = this.snapshot.preferences;
    if (!enabled) return;
    const contact = reading.contact === 'unsupported' ? undefined : reading.contact === 'detected';
    this.handle(foldReading(settings, this.engine, { seq: this.seq++, at: receivedAt, bpm: reading.bpm, contact }));
    this.expireSnooze(this.deps.now());
  }

  /** The passage of time: fires "no data" once a silence has lasted its length. */
  tick(): void {
    const { enabled, settings } = this.snapshot.preferences;
    const now = this.deps.now();
    if (enabled) this.handle(foldTime(settings, this.engine, now, this.snapshot.watching));
    this.expireSnooze(now);
  }

  /**
   * A sensor is in use (connected, reconnecting, or lost without the person stopping it): silence is "no data",
   * checked every second. Off when the person stops the sensor: a silence they chose is no alert.
   */
  setWatching(on: boolean): void {
    if (on === this.snapshot.watching) return;
    if (on) {
      // A silence is measured from now, not from a reading before the sensor was stopped.
      this.engine.lastDataAt = null;
      startWatching(this.engine, this.deps.now());
      this.stopTimer = this.deps.every(TICK_MS, () => this.tick());
    } else {
      this.stopTimer?.();
      this.stopTimer = null;
    }
    this.status.update({ watching: on });
  }

  /**
   * The broadcast session the log belongs to (its view id). After a broadcast stops, its log stays shown (and
   * takes events) until the next session starts.
   */
  setSession(viewId: string | null): void {
    if (viewId === null || viewId === this.sessionId) return;
    // Events from before the first session belong to the session that starts now.
    const stored = readAlertLog(this.deps.storage, viewId);
    const log = this.sessionId === NO_SESSION ? [...stored, ...this.snapshot.log].slice(-ALERT_LOG_LIMITS.entries) : stored;
    if (this.sessionId === NO_SESSION) writeAlertLog(this.deps.storage, NO_SESSION, []);
    this.sessionId = viewId;
    writeAlertLog(this.deps.storage, viewId, log);
    this.status.update({ log });
  }

  /**
   * Replaces the preferences after checking the rules with the core parser; returns why they were refused, or
   * null. Turning alerts off, or sharing off, withdraws them from viewers.
   */
  setPreferences(next: AlertPreferences): string | null {
    const parsed = parseAlertSettings(next.settings);
    if (!parsed.ok) return parsed.reason;
    const before = this.snapshot.preferences;
    const preferences = { enabled: next.enabled, share: next.share, settings: parsed.settings };
    writeAlertPreferences(this.deps.storage, preferences);
    if (preferences.enabled !== before.enabled) {
      // Alerts start afresh; turned on while a sensor is in use, a silence from now on is "no data".
      this.engine = createAlertState();
      if (preferences.enabled && this.snapshot.watching) startWatching(this.engine, this.deps.now());
    }
    this.status.update({ preferences, active: activeAlertIds(preferences.settings, this.engine) });
    const wasShared = before.enabled && before.share;
    const shared = preferences.enabled && preferences.share;
    if (shared || wasShared) {
      const changed = shared !== wasShared || JSON.stringify(before.settings) !== JSON.stringify(preferences.settings);
      if (changed) this.deps.share({ share: shared, settings: preferences.settings });
    }
    return null;
  }

  /** Silences every alert for `minutes`; an alert on now stays on, a new one waits. Clears the banner. */
  snooze(minutes: number): void {
    const until = this.deps.now() + minutes * 60_000;
    snoozeAlerts(this.engine, null, until);
    this.status.update({ snoozedUntil: until, banner: [] });
  }

  /** Ends a snooze now. */
  resume(): void {
    snoozeAlerts(this.engine, null, this.deps.now());
    this.status.update({ snoozedUntil: null });
  }

  dismiss(ruleId: string): void {
    this.status.update({ banner: this.snapshot.banner.filter((alert) => alert.ruleId !== ruleId) });
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  private expireSnooze(now: number): void {
    const snoozedUntil = this.snapshot.snoozedUntil;
    if (snoozedUntil !== null && now >= snoozedUntil) this.status.update({ snoozedUntil: null });
  }

  private handle(events: readonly AlertEvent[]): void {
    if (events.length === 0) return;
    const { settings } = this.snapshot.preferences;
    let banner = [...this.snapshot.banner];
    const fired: BannerAlert[] = [];
    const entries: AlertLogEntry[] = [];
    for (const event of events) {
      const rule = settings.rules.find((r) => r.id === event.ruleId);
      const ruleText = rule ? describeRule(rule) : event.ruleId;
      const value = event.value === null ? '' : `: ${event.value} bpm`;
      const what = event.type === 'fired' ? `${alertTitle(event.kind)}${value} (${ruleText})` : `${alertTitle(event.kind)} cleared${value}`;
      entries.push({ ...event, text: `${clockTime(event.at)} ${what}` });
      if (event.type === 'fired') {
        const alert: BannerAlert = { ruleId: event.ruleId, kind: event.kind, title: alertTitle(event.kind), rule: ruleText, value: event.value, firedAt: event.at, clearedAt: null };
        banner = [...banner.filter((a) => a.ruleId !== event.ruleId), alert];
        fired.push(alert);
      } else {
        banner = banner.map((a) => (a.ruleId === event.ruleId && a.clearedAt === null ? { ...a, clearedAt: event.at } : a));
      }
    }
    const log = [...this.snapshot.log, ...entries].slice(-ALERT_LOG_LIMITS.entries);
    writeAlertLog(this.deps.storage, this.sessionId, log);
    this.status.update({ banner, log, active: activeAlertIds(settings, this.engine) });
    for (const alert of fired) this.deps.signal(alert);
  }
}

import { describe, expect, it } from 'vitest';
import type { AlertSettings } from '../../../src/core/alert-rules.ts';
import type { SharedAlerts } from '../../../src/core/record.ts';
import { AlertController, type BannerAlert } from '../../../src/lib/alerts/alert-controller.ts';
import { ALERT_LOG_KEY, ALERT_LOG_LIMITS } from '../../../src/lib/alerts/alert-log.ts';
import type { TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

const SETTINGS: AlertSettings = {
  rules: [
    { id: 'high', kind: 'high', bpm: 150, forS: 5 },
    { id: 'contact', kind: 'contact-lost', forS: 3 },
    { id: 'no-data', kind: 'no-data', forS: 10 },
  ],
  hysteresisBpm: 3,
  repeatAfterS: 60,
};

/** localStorage's shape over a Map: what the controller keeps survives into a new controller. */
class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

interface Rig {
  controller: AlertController;
  clock: { now: number };
  signals: BannerAlert[];
  shared: SharedAlerts[];
  ticks: { run: (() => void) | null };
}

function createRig(storage = new MemoryStorage(), enabled = true): Rig {
  const clock = { now: T0 };
  const signals: BannerAlert[] = [];
  const shared: SharedAlerts[] = [];
  const ticks: Rig['ticks'] = { run: null };
  const controller = new AlertController({
    storage,
    now: () => clock.now,
    every: (_ms, tick) => {
      ticks.run = tick;
      return () => (ticks.run = null);
    },
    signal: (alert) => signals.push(alert),
    share: (alerts) => shared.push(alerts),
  });
  if (enabled) expect(controller.setPreferences({ enabled: true, share: false, settings: SETTINGS })).toBeNull();
  return { controller, clock, signals, shared, ticks };
}

const at = (s: number): number => T0 + s * 1000;

function reading(bpm: number, s: number, contact: 'detected' | 'not-detected' | 'unsupported' = 'detected'): TimedReading {
  return { reading: { bpm, contact, rrMs: [] }, receivedAt: at(s) };
}

/** Feeds one reading a second from `from`, advancing the clock with it. */
function feed(rig: Rig, bpms: readonly number[], from: number, contact?: 'detected' | 'not-detected'): void {
  bpms.forEach((bpm, i) => {
    rig.clock.now = at(from + i);
    rig.controller.reading(reading(bpm, from + i, contact));
  });
}

describe('AlertController', () => {
  it('fires a high alert once the heart rate stays above the threshold for the hold time, and marks it cleared', () => {
    // Prepare
    const rig = createRig();
    // Act: 152 bpm for 6 s (fires at the 5th second), ±1 bpm of noise at the threshold, then back well below
    feed(rig, [152, 152, 152, 152, 152, 152], 0);
    const afterFire = rig.controller.snapshot;
    feed(rig, [149, 151, 149, 150], 6);
    const afterNoise = rig.controller.snapshot;
    feed(rig, [140], 10);
    // Assess
    expect(afterFire.banner).toEqual([
      { ruleId: 'high', kind: 'high', title: 'High heart rate', rule: 'above 150 bpm for 5 s', value: 152, firedAt: at(5), clearedAt: null },
    ]);
    expect(afterFire.active).toEqual(['high']);
    expect(rig.signals).toHaveLength(1);
    expect(afterNoise.banner[0]?.clearedAt).toBeNull();
    const snapshot = rig.controller.snapshot;
    expect(snapshot.banner[0]?.clearedAt).toBe(at(10));
    expect(snapshot.active).toEqual([]);
    expect(snapshot.log.map((e) => [e.type, e.value, e.at])).toEqual([
      ['fired', 152, at(5)],
      ['cleared', 140, at(10)],
    ]);
    expect(snapshot.log[0]?.text).toContain('High heart rate: 152 bpm (above 150 bpm for 5 s)');
  });

  it('fires "contact lost" from readings without skin contact, and "no data" from the passage of time', () => {
    // Prepare
    const rig = createRig();
    rig.controller.setWatching(true);
    // Act: contact lost for 4 s, then the sensor goes silent and the 1 s timer runs
    feed(rig, [70, 0, 0, 0, 0], 0, 'not-detected');
    const contact = rig.controller.snapshot.banner.map((a) => a.ruleId);
    for (let s = 5; s <= 14; s++) {
      rig.clock.now = at(s);
      rig.ticks.run?.();
    }
    // Assess
    expect(contact).toEqual(['contact']);
    const noData = rig.controller.snapshot.banner.find((a) => a.ruleId === 'no-data');
    expect(noData).toMatchObject({ title: 'No data', value: null, firedAt: at(14) });
    expect(rig.signals.map((a) => a.ruleId)).toEqual(['contact', 'no-data']);
  });

  it('counts a silence as "no data" from the moment alerts are turned on while a sensor is in use', () => {
    // Prepare: alerts off, a sensor connected that sends nothing
    const rig = createRig(new MemoryStorage(), false);
    rig.controller.setWatching(true);
    rig.clock.now = at(5);
    // Act
    rig.controller.setPreferences({ enabled: true, share: false, settings: SETTINGS });
    for (let s = 6; s <= 15; s++) {
      rig.clock.now = at(s);
      rig.ticks.run?.();
    }
    // Assess
    expect(rig.signals.map((a) => [a.ruleId, a.firedAt])).toEqual([['no-data', at(15)]]);
  });

  it('raises no "no data" while no sensor is in use, and stops its timer', () => {
    // Prepare
    const rig = createRig();
    rig.controller.setWatching(true);
    feed(rig, [70], 0);
    // Act
    rig.controller.setWatching(false);
    rig.clock.now = at(60);
    rig.controller.tick();
    // Assess
    expect(rig.ticks.run).toBeNull();
    expect(rig.controller.snapshot.banner).toEqual([]);
  });

  it('snoozes every alert: the banner clears, an alert due meanwhile waits, and fires after the snooze', () => {
    // Prepare
    const rig = createRig();
    feed(rig, [70], 0);
    // Act
    rig.controller.snooze(5);
    const snoozedUntil = rig.controller.snapshot.snoozedUntil;
    feed(rig, Array.from({ length: 30 }, () => 160), 1);
    const during = rig.signals.length;
    rig.clock.now = at(301);
    rig.controller.tick();
    rig.controller.reading(reading(160, 301));
    // Assess
    expect(snoozedUntil).toBe(at(300));
    expect(during).toBe(0);
    expect(rig.controller.snapshot.snoozedUntil).toBeNull();
    expect(rig.signals.map((a) => [a.ruleId, a.firedAt])).toEqual([['high', at(301)]]);
  });

  it('dismisses one alert from the banner; the log keeps it', () => {
    // Prepare
    const rig = createRig();
    feed(rig, [160, 160, 160, 160, 160, 160], 0);
    // Act
    rig.controller.dismiss('high');
    // Assess
    expect(rig.controller.snapshot.banner).toEqual([]);
    expect(rig.controller.snapshot.active).toEqual(['high']);
    expect(rig.controller.snapshot.log).toHaveLength(1);
  });

  it('keeps the log of each session across a reload, and moves events from before the first session into it', () => {
    // Prepare: an alert before the broadcast's session exists, then the session starts
    const storage = new MemoryStorage();
    const first = createRig(storage);
    feed(first, [160, 160, 160, 160, 160, 160], 0);
    first.controller.setSession('view-a');
    feed(first, [140], 6);
    // Act: a reload (a new controller on the same storage), then another session
    const second = createRig(storage);
    second.controller.setSession('view-a');
    const reloaded = second.controller.snapshot.log;
    second.controller.setSession('view-b');
    // Assess
    expect(reloaded.map((e) => e.type)).toEqual(['fired', 'cleared']);
    expect(second.controller.snapshot.log).toEqual([]);
    expect(second.controller.snapshot.preferences.enabled).toBe(true);
  });

  it('bounds the stored log and ignores a stored log it cannot read', () => {
    // Prepare
    const storage = new MemoryStorage();
    storage.setItem(ALERT_LOG_KEY, '{"sessions":[{"id":"view-a","entries":[{"ruleId":1}]}]}');
    const rig = createRig(storage);
    rig.controller.setSession('view-a');
    const unreadable = rig.controller.snapshot.log;
    // Act: many alerts (a zero repeat interval and no hold time), each fired and cleared
    rig.controller.setPreferences({ enabled: true, share: false, settings: { rules: [{ id: 'high', kind: 'high', bpm: 150, forS: 0 }], hysteresisBpm: 2, repeatAfterS: 0 } });
    feed(rig, Array.from({ length: 300 }, (_, i) => (i % 2 === 0 ? 160 : 140)), 0);
    // Assess
    expect(unreadable).toEqual([]);
    expect(rig.controller.snapshot.log).toHaveLength(ALERT_LOG_LIMITS.entries);
    const stored = JSON.parse(storage.getItem(ALERT_LOG_KEY) ?? '') as { sessions: Array<{ entries: unknown[] }> };
    expect(stored.sessions[0]?.entries).toHaveLength(ALERT_LOG_LIMITS.entries);
  });

  it('refuses rules out of bounds with the reason and keeps the previous ones', () => {
    // Prepare
    const rig = createRig();
    // Act
    const reason = rig.controller.setPreferences({ enabled: true, share: false, settings: { ...SETTINGS, rules: [{ id: 'high', kind: 'high', bpm: 400, forS: 5 }] } });
    // Assess
    expect(reason).toBe('rule high: bpm out of range');
    expect(rig.controller.snapshot.preferences.settings).toEqual(SETTINGS);
  });

  it('shares the rules while shared, again when they change, withdraws them when sharing or alerts go off', () => {
    // Prepare
    const storage = new MemoryStorage();
    const rig = createRig(storage);
    const sharedWhileOff = rig.shared.length;
    // Act
    rig.controller.setPreferences({ enabled: true, share: true, settings: SETTINGS });
    const changed = { ...SETTINGS, hysteresisBpm: 5 };
    rig.controller.setPreferences({ enabled: true, share: true, settings: changed });
    rig.controller.setPreferences({ enabled: true, share: true, settings: changed });
    rig.controller.setPreferences({ enabled: false, share: true, settings: changed });
    const reloaded = createRig(storage, false);
    reloaded.controller.setPreferences({ enabled: true, share: true, settings: changed });
    const afterReload = reloaded.shared;
    // Assess
    expect(sharedWhileOff).toBe(0);
    expect(rig.shared).toEqual([
      { share: true, settings: SETTINGS },
      { share: true, settings: changed },
      { share: false, settings: changed },
    ]);
    expect(afterReload).toEqual([{ share: true, settings: changed }]);
  });

  it('evaluates nothing while alerts are off', () => {
    // Prepare
    const rig = createRig(new MemoryStorage(), false);
    // Act
    feed(rig, Array.from({ length: 10 }, () => 200), 0);
    // Assess
    expect(rig.controller.snapshot.preferences.enabled).toBe(false);
    expect(rig.controller.snapshot.banner).toEqual([]);
    expect(rig.signals).toEqual([]);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ALERT_SETTINGS, type AlertSettings } from '../../../src/core/alert-rules.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { createOwnAlertStore, ownAlertFormOf, ownAlertSettingsFrom } from '../../../src/lib/viewer/own-alert-settings.ts';
import { OWN_TICK_MS, ViewerAlerts, type AlertOutputs } from '../../../src/lib/viewer/viewer-alerts.ts';
import { ViewerController } from '../../../src/lib/viewer/viewer-controller.ts';
import { FakeClock, FakeLiveApi } from './fake-live-api.ts';
import type { SessionAlerts } from '../../../src/core/live-api-types.ts';

const VIEW_ID = deriveViewId(createWriteKey());
const running: { stop(): void }[] = [];

afterEach(() => {
  for (const it of running.splice(0)) it.stop();
});

/** The adapter boundary: records what the page asked to sound, vibrate and notify. */
class FakeOutputs implements AlertOutputs {
  readonly calls: string[] = [];
  sound(): boolean {
    this.calls.push('sound');
    return true;
  }
  vibrate(): boolean {
    this.calls.push('vibrate');
    return true;
  }
  notify(title: string, body: string): boolean {
    this.calls.push(`notify ${title}: ${body}`);
    return true;
  }
}

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

const OWN_HIGH: AlertSettings = { ...DEFAULT_ALERT_SETTINGS, rules: [{ id: 'high', kind: 'high', bpm: 120, forS: 0 }] };
const SHARED: SessionAlerts = {
  settings: { ...DEFAULT_ALERT_SETTINGS, rules: [{ id: 'high', kind: 'high', bpm: 171, forS: 10 }] },
  active: [],
  recent: [],
};

function watch(own: AlertSettings | null = null) {
  const clock = new FakeClock();
  const api = new FakeLiveApi(clock);
  const viewer = new ViewerController(VIEW_ID, { api, now: clock.now, delay: clock.delay, random: () => 0.5 });
  const outputs = new FakeOutputs();
  const storage = new MemoryStorage();
  const store = createOwnAlertStore(storage);
  if (own) store.save(own);
  let tick: () => void = () => undefined;
  const alerts = new ViewerAlerts({
    viewer,
    outputs,
    store,
    now: clock.now,
    every: (ms, fn) => {
      expect(ms).toBe(OWN_TICK_MS);
      tick = fn;
      return () => (tick = () => undefined);
    },
  });
  alerts.start();
  running.push(viewer, alerts);
  void viewer.start();
  return { clock, api, viewer, alerts, outputs, storage, tick: () => tick() };
}

describe("ViewerAlerts, the viewer's own thresholds", () => {
  it('fires a high alert when a reading crosses it, once, and clears it back inside the margin', async () => {
    // Prepare
    const { api, alerts, outputs } = watch(OWN_HIGH);
    api.send(100);
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBeNull());
    // Act
    api.send(130, 131);
    // Assess
    await vi.waitFor(() => expect(alerts.snapshot.active).toHaveLength(1));
    expect(alerts.snapshot.active[0]).toMatchObject({ source: 'own', ruleId: 'high', text: 'Above 120 bpm', value: 130 });
    expect(outputs.calls).toEqual(['sound', 'vibrate', 'notify Your alert: Above 120 bpm (130 bpm)']);
    api.send(119); // inside the threshold, not by the 3 bpm margin: still on
    await vi.waitFor(() => expect(alerts.snapshot.recent).toHaveLength(1));
    expect(alerts.snapshot.active).toHaveLength(1);
    api.send(110);
    await vi.waitFor(() => expect(alerts.snapshot.active).toHaveLength(0));
    expect(alerts.snapshot.recent.map((e) => `${e.source} ${e.type} ${e.value}`)).toEqual(['own cleared 110', 'own fired 130']);
    expect(outputs.calls.filter((c) => c === 'sound')).toHaveLength(1);
  });

  it('does not alert on the history caught up when the page opens', async () => {
    // Prepare: readings from two minutes ago, above the threshold
    const { api, clock, alerts, outputs, viewer } = watch(OWN_HIGH);
    clock.t -= 120_000;
    api.send(150, 151);
    clock.t += 120_000;
    // Act
    api.send(100);
    // Assess
    await vi.waitFor(() => expect(viewer.snapshot.count).toBe(3));
    expect(alerts.snapshot.active).toEqual([]);
    expect(outputs.calls).toEqual([]);
  });

  it('fires "no data" when readings stop while live, at the moment the silence reached its length', async () => {
    // Prepare
    const { api, clock, alerts, tick } = watch({ ...DEFAULT_ALERT_SETTINGS, rules: [{ id: 'no-data', kind: 'no-data', forS: 5 }] });
    api.send(70);
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBeNull());
    await vi.waitFor(() => expect(api.requests.at(-1)?.kind).toBe('readings'));
    const lastData = clock.now();
    // Act: four seconds of silence, then six
    clock.t += 4000;
    tick();
    expect(alerts.snapshot.active).toEqual([]);
    clock.t += 2000;
    tick();
    // Assess
    expect(alerts.snapshot.active).toMatchObject([{ source: 'own', ruleId: 'no-data', text: 'No data for 5 s', value: null }]);
    expect(alerts.snapshot.active[0]?.at).toBeGreaterThanOrEqual(lastData + 5000);
    expect(alerts.snapshot.active[0]?.at).toBeLessThanOrEqual(lastData + 5100);
    api.send(71);
    await vi.waitFor(() => expect(alerts.snapshot.active).toEqual([]));
  });

  it('stops at the end of a session: no "no data" for a broadcast that finished', async () => {
    // Prepare
    const { api, clock, alerts, outputs, tick } = watch({ ...DEFAULT_ALERT_SETTINGS, rules: [{ id: 'no-data', kind: 'no-data', forS: 5 }] });
    api.send(70);
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBeNull());
    // Act
    api.setStatus('ended');
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBe('ended'));
    clock.t += 60_000;
    tick();
    // Assess
    expect(alerts.snapshot.active).toEqual([]);
    expect(outputs.calls).toEqual([]);
  });

  it('keeps the thresholds in the browser and reads them back; anything else under the key means none', () => {
    // Prepare
    const storage = new MemoryStorage();
    // Act
    createOwnAlertStore(storage).save(OWN_HIGH);
    // Assess
    expect(createOwnAlertStore(storage).load()).toEqual(OWN_HIGH);
    storage.setItem('liveheartrate.viewerAlerts', '{"rules":[{"id":"x","kind":"high","bpm":9999,"forS":0}]}');
    expect(createOwnAlertStore(storage).load()).toEqual(DEFAULT_ALERT_SETTINGS);
    storage.setItem('liveheartrate.viewerAlerts', 'not json');
    expect(createOwnAlertStore(storage).load()).toEqual(DEFAULT_ALERT_SETTINGS);
    expect(createOwnAlertStore(null).load()).toEqual(DEFAULT_ALERT_SETTINGS);
  });

  it('turns the form into rules through the strict parser, with reasons a person can read', () => {
    // Act + Assess
    const ok = ownAlertSettingsFrom({ highBpm: '150', lowBpm: '45', holdS: '10', noDataS: '30' });
    expect(ok.ok && ok.settings.rules).toEqual([
      { id: 'high', kind: 'high', bpm: 150, forS: 10 },
      { id: 'low', kind: 'low', bpm: 45, forS: 10 },
      { id: 'no-data', kind: 'no-data', forS: 30 },
    ]);
    expect(ok.ok && ownAlertFormOf(ok.settings)).toEqual({ highBpm: '150', lowBpm: '45', holdS: '10', noDataS: '30' });
    const none = ownAlertSettingsFrom({ highBpm: '', lowBpm: ' ', holdS: '10', noDataS: '' });
    expect(none.ok && none.settings.rules).toEqual([]);
    expect(ownAlertSettingsFrom({ highBpm: '400', lowBpm: '', holdS: '10', noDataS: '' })).toEqual({ ok: false, reason: 'high must be 25 to 250 bpm' });
    expect(ownAlertSettingsFrom({ highBpm: '', lowBpm: '', holdS: '', noDataS: '0' })).toEqual({ ok: false, reason: 'no data must be 1 to 86400 s' });
    expect(ownAlertSettingsFrom({ highBpm: '1e2', lowBpm: '', holdS: '', noDataS: '' })).toEqual({ ok: false, reason: 'enter whole numbers' });
    expect(ownAlertSettingsFrom({ highBpm: '60', lowBpm: '80', holdS: '', noDataS: '' }).ok).toBe(false);
  });
});

describe("ViewerAlerts, the broadcaster's shared alerts", () => {
  it('shows nothing alert-related when the broadcaster does not share alerts', async () => {
    // Prepare + Act
    const { api, alerts, viewer } = watch();
    api.send(200);
    await vi.waitFor(() => expect(viewer.snapshot.bpm).toBe(200));
    // Assess
    expect(alerts.snapshot).toMatchObject({ shared: false, sharedRules: [], active: [], recent: [], halt: null });
  });

  it('shows an active shared alert, and sounds for an event that happens while watching, once', async () => {
    // Prepare: an alert that fired before the page opened
    const { api, clock, alerts, outputs } = watch();
    const before = { ruleId: 'high', kind: 'high' as const, type: 'fired' as const, at: clock.now() - 30_000, value: 175 };
    api.setAlerts({ ...SHARED, active: ['high'], recent: [before] });
    api.send(176);
    await vi.waitFor(() => expect(alerts.snapshot.shared).toBe(true));
    // Assess: shown, not sounded (it happened before the page opened)
    expect(alerts.snapshot.active).toEqual([{ source: 'broadcaster', ruleId: 'high', text: 'Above 171 bpm for 10 s', value: 175, at: before.at }]);
    expect(outputs.calls).toEqual([]);
    // Act: it clears and fires again while the page watches
    const cleared = { ...before, type: 'cleared' as const, at: clock.now(), value: 160 };
    api.setAlerts({ ...SHARED, active: [], recent: [before, cleared] });
    api.send(160);
    await vi.waitFor(() => expect(alerts.snapshot.active).toEqual([]));
    const again = { ...before, at: clock.now() + 1, value: 180 };
    api.setAlerts({ ...SHARED, active: ['high'], recent: [before, cleared, again] });
    api.send(180);
    await vi.waitFor(() => expect(alerts.snapshot.active).toMatchObject([{ value: 180 }]));
    api.send(181); // the same shared events again: no second sound
    await vi.waitFor(() => expect(api.requests.filter((r) => r.kind === 'session').length).toBeGreaterThan(4));
    // Assess
    expect(outputs.calls).toEqual(['sound', 'vibrate', "notify Broadcaster's alert: Above 171 bpm for 10 s (180 bpm)"]);
    expect(alerts.snapshot.recent.map((e) => e.type)).toEqual(['fired', 'cleared', 'fired']);
  });

  it('a revoked link clears every banner and the log, says alerts stopped, and alerts on nothing after', async () => {
    // Prepare: a shared alert and an own alert on
    const { api, alerts, outputs } = watch(OWN_HIGH);
    api.send(100);
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBeNull());
    api.setAlerts({ ...SHARED, active: ['high'], recent: [] });
    api.send(180);
    await vi.waitFor(() => expect(alerts.snapshot.active).toHaveLength(2));
    const sounded = outputs.calls.length;
    // Act
    api.setStatus('revoked');
    // Assess
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBe('revoked'));
    expect(alerts.snapshot).toMatchObject({ shared: false, active: [], recent: [] });
    expect(outputs.calls).toHaveLength(sounded);
  });

  it('says alerts may be missed while the live API cannot be reached', async () => {
    // Prepare
    const { api, alerts } = watch(OWN_HIGH);
    api.send(100);
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBeNull());
    // Act
    api.setOffline(true);
    // Assess
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBe('offline'));
    api.setOffline(false);
    await vi.waitFor(() => expect(alerts.snapshot.halt).toBeNull());
  });
});

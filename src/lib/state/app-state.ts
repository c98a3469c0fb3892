import { SensorState } from './sensor.svelte.ts';
import { SessionState } from './session.svelte.ts';
import { ScreenWakeLock } from './wake-lock.svelte.ts';
import { PwaUpdate } from './pwa-update.svelte.ts';
import { UplinkState } from './uplink.svelte.ts';
import { createBrowserUplink } from '../uplink/browser-uplink.ts';
import { ControlConfirmation } from '../uplink/control-confirmation.ts';
import { ServerClock } from '../uplink/server-clock.ts';
import { createLiveApiClient } from '../viewer/live-api-client.ts';
import { sleep } from '../with-timeout.ts';
import { createBrowserSensorController } from '../sensor/browser-sensor.ts';
import { AlertsState } from './alerts.svelte.ts';
import { AlertController } from '../alerts/alert-controller.ts';
import { BrowserAlerter } from '../alerts/browser-alerter.ts';
import { safeLocalStorage } from '../safe-local-storage.ts';
import { createBrowserHistory } from '../history/browser-history.ts';
import { HistoryState } from './history.svelte.ts';
import { LanState } from './lan.svelte.ts';

/** The broadcaster app's state, created once and handed to components. */
export interface AppState {
  sensor: SensorState;
  session: SessionState;
  wakeLock: ScreenWakeLock;
  pwa: PwaUpdate;
  uplink: UplinkState;
  alerts: AlertsState;
  history: HistoryState;
  /** The embedded stack's LAN mode, learned from config.json; links and the phone card follow it. */
  lan: LanState;
}

export function createAppState(): AppState {
  const sensorController = createBrowserSensorController();
  const sensor = new SensorState(sensorController);
  const session = new SessionState();
  const clock = new ServerClock();
  // Both worlds serve the live API on the app's own origin (as the viewer's fallback in viewer-main.ts).
  const liveApi = createLiveApiClient('/api');
  const confirmations = new ControlConfirmation({
    getSession: (viewId) => liveApi.getSession(viewId),
    delay: (ms) => sleep(ms),
    now: Date.now,
    isOnline: () => navigator.onLine,
    observeClock: (sample) => clock.observe(sample),
  });
  const lan = new LanState(location);
  // The uplink reads config.json at start anyway (for the stream); LAN mode is learned from that same answer.
  const browserUplink = createBrowserUplink(`${import.meta.env.BASE_URL}config.json`, clock, (config) => lan.configure(config.lan));
  const uplink = new UplinkState(browserUplink, confirmations);
  const alerter = new BrowserAlerter(safeLocalStorage());
  const alertController = new AlertController({
    storage: safeLocalStorage(),
    now: Date.now,
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      return () => clearInterval(timer);
    },
    signal: (alert) => alerter.signal(alert),
    share: (alerts) => browserUplink.shareAlerts(alerts),
    maxHr: session.maxHr,
  });
  // The uplink first: storing the reading durably must not depend on the views handling it.
  sensor.onReading((r) => uplink.record(r));
  sensor.onReading((r) => session.add(r));
  sensor.onReading((r) => alertController.reading(r));
  // History keeps every session, broadcast or not; stopping the sensor ends one (docs/architecture.md).
  const history = createBrowserHistory(() => session.maxHr);
  sensor.onReading((r) => history.recorder.add(r));
  sensorController.subscribe((s) => {
    if (s.status === 'idle') void history.recorder.end();
  });
  // Silence counts as "no data" while a sensor is in use, including one lost that the person did not stop.
  sensorController.subscribe((s) => alertController.setWatching(s.status === 'live' || s.status === 'reconnecting' || s.status === 'lost'));
  sensorController.subscribe((s) => {
    if (s.problem?.kind === 'not-secure') lan.observeFailure('SecurityError');
  });
  browserUplink.subscribe((status) => alertController.setSession(status.session?.viewId ?? null));
  // Viewers see the display name and max HR from the start of each broadcast, and again whenever either changes; a
  // person who never set either sends neither (viewers then colour zones by the default max HR).
  const sendProfile = (): void => {
    if (session.profileChosen) browserUplink.setProfile({ name: session.displayName, maxHr: session.maxHr });
  };
  sendProfile();
  session.onProfileChange(sendProfile);
  const alerts = new AlertsState(alertController, alerter);
  return { sensor, session, wakeLock: new ScreenWakeLock(), pwa: new PwaUpdate(), uplink, alerts, history: new HistoryState(history.controller), lan };
}

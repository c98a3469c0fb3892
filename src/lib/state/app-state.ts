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

/** The broadcaster app's state, created once and handed to components. */
export interface AppState {
  sensor: SensorState;
  session: SessionState;
  wakeLock: ScreenWakeLock;
  pwa: PwaUpdate;
  uplink: UplinkState;
}

export function createAppState(): AppState {
  const sensor = new SensorState(createBrowserSensorController());
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
  const uplink = new UplinkState(createBrowserUplink(`${import.meta.env.BASE_URL}config.json`, clock), confirmations);
  // The uplink first: storing the reading durably must not depend on the views handling it.
  sensor.onReading((r) => uplink.record(r));
  sensor.onReading((r) => session.add(r));
  return { sensor, session, wakeLock: new ScreenWakeLock(), pwa: new PwaUpdate(), uplink };
}

import { SensorState } from './sensor.svelte.ts';
import { SessionState } from './session.svelte.ts';
import { ScreenWakeLock } from './wake-lock.svelte.ts';
import { PwaUpdate } from './pwa-update.svelte.ts';

/** The broadcaster app's state, created once and handed to components. */
export interface AppState {
  sensor: SensorState;
  session: SessionState;
  wakeLock: ScreenWakeLock;
  pwa: PwaUpdate;
}

export function createAppState(): AppState {
  const sensor = new SensorState();
  const session = new SessionState();
  sensor.onReading((r) => session.add(r));
  return { sensor, session, wakeLock: new ScreenWakeLock(), pwa: new PwaUpdate() };
}

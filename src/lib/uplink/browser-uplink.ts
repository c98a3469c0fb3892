// Wires the uplink to the browser: IndexedDB, Web Locks, online/offline events, the storage manager and the
// runtime config.json. Nothing here loads the AWS SDK; the first flush (or the warm-up after start) does.
import { createInTabLockRunner, createWebLockRunner } from './flush-lock.ts';
import { Outbox } from './outbox.ts';
import type { ServerClock } from './server-clock.ts';
import { fetchRuntimeConfig } from './runtime-config-loader.ts';
import { createSenderLoader } from './stream-connection.ts';
import { Uplink } from './uplink.ts';
import { sleep } from '../with-timeout.ts';
import { safeLocalStorage } from '../safe-local-storage.ts';
import type { RuntimeConfig } from '../../core/runtime-config.ts';

/** `onConfig` hears every config.json the uplink accepts, so the page learns its world without a second request. */
export function createBrowserUplink(configUrl: string, serverClock: ServerClock, onConfig: (config: RuntimeConfig) => void): Uplink {
  const uplink = new Uplink({
    outbox: new Outbox(),
    // config.json is fetched at start, before a sensor is paired: its Date header is the first clock sample.
    getSender: createSenderLoader({
      loadConfig: async () => {
        const config = await fetchRuntimeConfig(configUrl, serverClock.sampling(fetch.bind(globalThis)));
        onConfig(config);
        return config;
      },
      storage: safeLocalStorage(),
      serverClock,
    }),
    withLock: 'locks' in navigator ? createWebLockRunner(navigator.locks) : createInTabLockRunner(),
    isOnline: () => navigator.onLine,
    delay: (ms) => sleep(ms),
    now: Date.now,
    storage: 'storage' in navigator ? navigator.storage : null,
    broadcastSetting: createBroadcastSetting(safeLocalStorage()),
    serverClock,
  });
  window.addEventListener('online', () => uplink.wentOnline());
  window.addEventListener('offline', () => uplink.wentOffline());
  return uplink;
}

const BROADCAST_KEY = 'liveheartrate.broadcasting';

function createBroadcastSetting(storage: Storage | null): { read(): boolean; write(on: boolean): void } {
  return {
    read: () => storage?.getItem(BROADCAST_KEY) !== 'off',
    write: (on) => {
      try {
        storage?.setItem(BROADCAST_KEY, on ? 'on' : 'off');
      } catch {
        // Private mode: the choice then lasts until the page closes.
      }
    },
  };
}

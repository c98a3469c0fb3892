// Wires the sensor controller to the browser: navigator.bluetooth, localStorage for device names, timers and
// user activation.
import { SensorController, type BluetoothLike, type DeviceNameStore } from './sensor-controller.ts';
import { safeLocalStorage } from '../safe-local-storage.ts';
import { sleep } from '../with-timeout.ts';

export function createBrowserSensorController(): SensorController {
  return new SensorController({
    bluetooth: webBluetooth(),
    deviceNames: createDeviceNameStore(safeLocalStorage()),
    now: Date.now,
    delay: (ms) => sleep(ms),
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      return () => clearInterval(timer);
    },
    // Browsers without the User Activation API: assume the tap still counts and let the chooser decide.
    hasUserGesture: () => navigator.userActivation?.isActive ?? true,
  });
}

function webBluetooth(): BluetoothLike | null {
  if (typeof navigator === 'undefined' || !('bluetooth' in navigator) || navigator.bluetooth === undefined) return null;
  const bluetooth = navigator.bluetooth;
  return {
    requestDevice: (options) => bluetooth.requestDevice(options),
    getDevices: typeof bluetooth.getDevices === 'function' ? () => bluetooth.getDevices() : undefined,
  };
}

const DEVICE_NAMES_KEY = 'liveheartrate.deviceNames';

function createDeviceNameStore(storage: Storage | null): DeviceNameStore {
  const readAll = (): Record<string, string> => {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(DEVICE_NAMES_KEY) ?? '{}');
      return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
    } catch {
      return {};
    }
  };
  return {
    read: (id) => readAll()[id],
    write: (id, name) => {
      try {
        storage?.setItem(DEVICE_NAMES_KEY, JSON.stringify({ ...readAll(), [id]: name }));
      } catch {
        // Private mode or full storage: the button then says "Reconnect Heart-rate sensor".
      }
    },
  };
}

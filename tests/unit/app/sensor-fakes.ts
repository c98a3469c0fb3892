// Small stand-ins for the browser parts the sensor controller uses: a Web Bluetooth heart-rate strap whose
// connections can be made to fail, a name store, and a clock whose waits the test releases.
import { SensorController, type BluetoothLike, type DeviceNameStore } from '../../../src/lib/sensor/sensor-controller.ts';

export const T0 = Date.UTC(2026, 10, 30, 12, 0, 0);

const networkError = (): DOMException => new DOMException('GATT Server is disconnected.', 'NetworkError');

class FakeCharacteristic extends EventTarget {
  value: DataView | null = null;
  notifying = false;
  /** What stopNotifications() does; a browser rejects it once the link is gone. */
  stopNotificationsBehaviour: 'ok' | 'reject' | 'throw' = 'ok';

  constructor(private readonly bytes: () => Uint8Array | null) {
    super();
  }

  async startNotifications(): Promise<this> {
    this.notifying = true;
    return this;
  }

  stopNotifications(): Promise<this> {
    if (this.stopNotificationsBehaviour === 'throw') throw networkError();
    if (this.stopNotificationsBehaviour === 'reject') return Promise.reject(networkError());
    this.notifying = false;
    return Promise.resolve(this);
  }

  async readValue(): Promise<DataView> {
    const bytes = this.bytes();
    if (!bytes) throw networkError();
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  notify(bytes: readonly number[]): void {
    this.value = new DataView(Uint8Array.from(bytes).buffer);
    this.dispatchEvent(new Event('characteristicvaluechanged'));
  }
}

class FakeGattServer {
  connected = false;
  connectAttempts = 0;
  /** Errors for the next connect() calls, in order; an empty queue connects. */
  readonly connectFailures: Error[] = [];

  constructor(private readonly device: FakeHeartRateDevice) {}

  async connect(): Promise<this> {
    this.connectAttempts += 1;
    const failure = this.connectFailures.shift();
    if (failure) throw failure;
    this.connected = true;
    return this;
  }

  disconnect(): void {
    this.connected = false;
  }

  async getPrimaryService(name: string): Promise<{ getCharacteristic(name: string): Promise<FakeCharacteristic> }> {
    if (!this.connected) throw networkError();
    const characteristic = this.device.characteristics.get(name);
    if (!characteristic) throw new DOMException(`No Services matching UUID ${name} found in Device.`, 'NotFoundError');
    return {
      getCharacteristic: async (characteristicName) => {
        if (characteristicName !== characteristic.name) throw new DOMException('No Characteristics', 'NotFoundError');
        return characteristic.characteristic;
      },
    };
  }
}

interface FakeDeviceOptions {
  id?: string;
  /** Empty after a reload: Chromium forgets a remembered device's name. */
  name?: string;
  /** Battery percent, or null for a strap without the battery service. */
  battery?: number | null;
}

/** A paired heart-rate strap: heart-rate service always, battery service unless `battery: null`. */
export class FakeHeartRateDevice extends EventTarget {
  readonly id: string;
  readonly name: string;
  readonly gatt: FakeGattServer;
  readonly heartRate = new FakeCharacteristic(() => Uint8Array.of(0, 0));
  readonly characteristics = new Map<string, { name: string; characteristic: FakeCharacteristic }>();

  constructor(options: FakeDeviceOptions = {}) {
    super();
    this.id = options.id ?? 'device-1';
    this.name = options.name ?? 'Polar H10';
    this.gatt = new FakeGattServer(this);
    this.characteristics.set('heart_rate', { name: 'heart_rate_measurement', characteristic: this.heartRate });
    const battery = options.battery === undefined ? 80 : options.battery;
    if (battery !== null) {
      const level = new FakeCharacteristic(() => (this.gatt.connected ? Uint8Array.of(battery) : null));
      this.characteristics.set('battery_service', { name: 'battery_level', characteristic: level });
    }
  }

  /** Makes the next `n` connect() calls fail with a NetworkError, as Android does for first connections. */
  failNextConnections(n: number, error: () => Error = networkError): void {
    for (let i = 0; i < n; i += 1) this.gatt.connectFailures.push(error());
  }

  /** The strap went out of range: the page gets `gattserverdisconnected`. */
  loseLink(): void {
    this.gatt.connected = false;
    this.dispatchEvent(new Event('gattserverdisconnected'));
  }

  asBluetoothDevice(): BluetoothDevice {
    return this as unknown as BluetoothDevice;
  }
}

/** navigator.bluetooth with a chooser that picks `chosen` (or is cancelled) and a list of allowed devices. */
export class FakeBluetooth implements BluetoothLike {
  chooser: 'select' | 'cancel' = 'select';
  prompts = 0;

  constructor(
    private readonly chosen: FakeHeartRateDevice,
    private readonly allowed: FakeHeartRateDevice[] = [],
  ) {}

  async requestDevice(): Promise<BluetoothDevice> {
    this.prompts += 1;
    if (this.chooser === 'cancel') throw new DOMException('User cancelled the requestDevice() chooser.', 'NotFoundError');
    return this.chosen.asBluetoothDevice();
  }

  async getDevices(): Promise<BluetoothDevice[]> {
    return this.allowed.map((d) => d.asBluetoothDevice());
  }
}

/** localStorage stand-in that outlives a controller, like storage outlives a reload. */
export class MemoryNameStore implements DeviceNameStore {
  readonly names = new Map<string, string>();
  read(id: string): string | undefined {
    return this.names.get(id);
  }
  write(id: string, name: string): void {
    this.names.set(id, name);
  }
}

/**
 * A clock whose time moves only through waits. In 'instant' mode every wait ends at once (after moving the
 * clock); in 'held' mode waits stay pending until the test calls release().
 */
export class FakeClock {
  time = T0;
  readonly now = (): number => this.time;
  readonly waits: number[] = [];
  mode: 'instant' | 'held' = 'instant';
  private readonly held: (() => void)[] = [];
  private readonly ticks = new Set<() => void>();

  readonly delay = (ms: number): Promise<void> => {
    this.waits.push(ms);
    if (this.mode === 'instant') {
      this.time += ms;
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      this.held.push(() => {
        this.time += ms;
        resolve();
      }),
    );
  };

  readonly every = (_ms: number, tick: () => void): (() => void) => {
    this.ticks.add(tick);
    return () => this.ticks.delete(tick);
  };

  get heldWaits(): number {
    return this.held.length;
  }

  /** Ends the oldest held wait. */
  release(): void {
    this.held.shift()?.();
  }

  /** Moves time on and runs the interval callbacks, as the page's liveness ticker would. */
  advance(ms: number): void {
    this.time += ms;
    for (const tick of this.ticks) tick();
  }

  get tickers(): number {
    return this.ticks.size;
  }
}

interface ControllerParts {
  controller: SensorController;
  clock: FakeClock;
  names: MemoryNameStore;
}

export function createController(
  bluetooth: BluetoothLike | null,
  parts: { clock?: FakeClock; names?: MemoryNameStore; userGesture?: boolean } = {},
): ControllerParts {
  const clock = parts.clock ?? new FakeClock();
  const names = parts.names ?? new MemoryNameStore();
  const controller = new SensorController({
    bluetooth,
    deviceNames: names,
    now: clock.now,
    delay: clock.delay,
    // The middle of each backoff range: waits are then exactly half the ceiling.
    random: () => 0.5,
    every: clock.every,
    hasUserGesture: () => parts.userGesture ?? false,
  });
  return { controller, clock, names };
}

// The sensor link as the person sees it, without any framework: which source feeds readings (a Bluetooth strap
// or the demo), its status and problems, remembered devices for one-tap reconnect after a reload, and whether
// the last reading is still live. Browser parts come in as dependencies, so tests drive it with small fakes;
// the Svelte state only mirrors its snapshot.
import { livenessOf } from '../../core/liveness.ts';
import { NO_WEB_BLUETOOTH, describeBluetoothError } from './bluetooth-problems.ts';
import { BluetoothHeartRateSensor, HEART_RATE_FILTER, waitForAdvertisement } from './bluetooth-sensor.ts';
import { DemoHeartRateSensor } from './demo-sensor.ts';
import type {
  HeartRateSource,
  SourceListener,
  SourceProblem,
  SourceStatus,
  TimedReading,
} from './heart-rate-source.ts';

/** The part of `navigator.bluetooth` the app uses. */
export interface BluetoothLike {
  requestDevice(options: RequestDeviceOptions): Promise<BluetoothDevice>;
  /** Devices this site was allowed before; absent in browsers without the new permissions backend. */
  getDevices?: () => Promise<BluetoothDevice[]>;
}

/** Device names by device id, kept across reloads: Chromium forgets a remembered device's name. */
export interface DeviceNameStore {
  read(id: string): string | undefined;
  write(id: string, name: string): void;
}

export interface RememberedSensor {
  id: string;
  name: string;
}

export interface SensorSnapshot {
  status: SourceStatus;
  problem: SourceProblem | null;
  sourceKind: 'bluetooth' | 'demo' | null;
  deviceName: string | null;
  batteryPercent: number | null;
  packetErrors: number;
  /** The browser's chooser is open (it also waits there while Bluetooth is off). */
  choosing: boolean;
  lastReadingAt: number | null;
  liveness: 'live' | 'stale' | 'none';
  secondsSinceReading: number | null;
  remembered: readonly RememberedSensor[];
}

interface SensorControllerDeps {
  /** `navigator.bluetooth`, or null when the browser has none. */
  bluetooth: BluetoothLike | null;
  deviceNames: DeviceNameStore;
  now: () => number;
  delay: (ms: number) => Promise<void>;
  random?: () => number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every: (ms: number, tick: () => void) => () => void;
  /** Whether a click is still being handled: the chooser may only open inside a user gesture. */
  hasUserGesture: () => boolean;
}

// How long a remembered device may take to advertise after a reload before the chooser is the way back.
const ADVERTISEMENT_WAIT_MS = 3000;
// Re-checks liveness twice a second so "no reading for N s" counts up with no reading arriving.
const LIVENESS_TICK_MS = 500;
const FALLBACK_NAME = 'Heart-rate sensor';

export class SensorController {
  private state: SensorSnapshot;
  private readonly listeners = new Set<(snapshot: SensorSnapshot) => void>();
  private readonly readingListeners = new Set<(reading: TimedReading) => void>();
  private source: HeartRateSource | null = null;
  private bluetoothSensor: BluetoothHeartRateSensor | null = null;
  private rememberedDevices: BluetoothDevice[] = [];
  /** Two taps in a row must not leave two sensors feeding readings: only the latest call may attach. */
  private generation = 0;
  private stopTicker: () => void = () => {};

  /** Bumped whenever a source is let go: a stopped source's late reports must not touch the snapshot. */
  private sourceToken = 0;

  constructor(private readonly deps: SensorControllerDeps) {
    this.state = {
      status: 'idle',
      problem: null,
      sourceKind: null,
      deviceName: null,
      batteryPercent: null,
      packetErrors: 0,
      choosing: false,
      lastReadingAt: null,
      liveness: 'none',
      secondsSinceReading: null,
      remembered: [],
    };
  }

  get snapshot(): SensorSnapshot {
    return this.state;
  }

  /** Calls `fn` with every new snapshot; returns the unsubscribe function. */
  subscribe(fn: (snapshot: SensorSnapshot) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Calls `fn` with every reading from whichever source is attached. */
  onReading(fn: (reading: TimedReading) => void): () => void {
    this.readingListeners.add(fn);
    return () => this.readingListeners.delete(fn);
  }

  /** Looks for sensors allowed before, so a reload can offer one-tap reconnect. */
  async loadRemembered(): Promise<void> {
    const bluetooth = this.deps.bluetooth;
    if (!bluetooth?.getDevices) return;
    try {
      this.rememberedDevices = await bluetooth.getDevices();
    } catch {
      this.rememberedDevices = [];
    }
    this.update({ remembered: this.rememberedDevices.map((d) => ({ id: d.id, name: this.nameOf(d) })) });
  }

  /** Opens the chooser; call from a click handler. */
  async connectBluetooth(): Promise<void> {
    const bluetooth = this.deps.bluetooth;
    if (!bluetooth) {
      this.update({ problem: NO_WEB_BLUETOOTH });
      return;
    }
    this.update({ problem: null, choosing: true });
    let device: BluetoothDevice;
    try {
      device = await bluetooth.requestDevice(HEART_RATE_FILTER);
    } catch (error) {
      this.update({ problem: describeBluetoothError(error), choosing: false });
      return;
    }
    this.update({ choosing: false });
    await this.useDevice(device);
  }

  /**
   * One tap after a reload: connect straight away when the browser can still reach the device, else wait
   * for it to advertise; if neither works while the tap still counts as a user gesture, open the chooser.
   */
  async reconnectRemembered(id: string): Promise<void> {
    const device = this.rememberedDevices.find((d) => d.id === id);
    if (!device) {
      await this.connectBluetooth();
      return;
    }
    this.update({ problem: null });
    // One quick try: a device out of range fails it at once, and the advertisement wait below is the retry.
    // Retrying here would outlast the tap's user activation, which the chooser fallback needs.
    if (await this.useDevice(device, { retryFirstConnection: false })) return;
    if (
      (await waitForAdvertisement(device, ADVERTISEMENT_WAIT_MS, this.deps.delay)) &&
      (await this.useDevice(device))
    ) {
      return;
    }
    if (this.deps.hasUserGesture()) {
      await this.connectBluetooth();
      return;
    }
    this.update({
      problem: {
        kind: 'connection-failed',
        message: `Could not reach ${this.nameOf(device)}. Make sure it is on and nearby, then tap “Connect sensor”.`,
      },
    });
  }

  async startDemo(): Promise<void> {
    this.generation += 1;
    await this.stop();
    this.update({ problem: null });
    const demo = new DemoHeartRateSensor(this.listenerForNextSource(), this.deps, this.deps.random);
    this.attach(demo);
    demo.start();
  }

  /** Manual retry once the automatic reconnect gave up. */
  async retry(): Promise<void> {
    await this.bluetoothSensor?.retry();
  }

  async stop(): Promise<void> {
    const source = this.source;
    this.source = null;
    this.bluetoothSensor = null;
    this.sourceToken += 1;
    this.stopTicker();
    await source?.stop();
    this.update({ status: 'idle', sourceKind: null, batteryPercent: null });
  }

  /** Resolves false when the device could not be connected (the problem is reported). */
  private async useDevice(device: BluetoothDevice, options: { retryFirstConnection?: boolean } = {}): Promise<boolean> {
    const generation = ++this.generation;
    await this.stop();
    if (generation !== this.generation) return false;
    const sensor = new BluetoothHeartRateSensor(device, this.listenerForNextSource(), {
      delay: this.deps.delay,
      now: this.deps.now,
      random: this.deps.random,
      fallbackName: this.nameOf(device),
      retryFirstConnection: options.retryFirstConnection,
    });
    this.attach(sensor);
    this.bluetoothSensor = sensor;
    this.update({ deviceName: sensor.deviceName });
    if (device.name) this.deps.deviceNames.write(device.id, device.name);
    try {
      const live = await sensor.start();
      if (!live || generation !== this.generation) {
        if (this.source === sensor) await this.stop();
        else await sensor.stop();
        return false;
      }
      return true;
    } catch {
      // start() already reported the problem through the listener.
      if (this.source === sensor) {
        this.source = null;
        this.bluetoothSensor = null;
        this.stopTicker();
        this.update({ sourceKind: null });
      }
      return false;
    }
  }

  /** A listener for the source attached next; it goes deaf once that source is let go. */
  private listenerForNextSource(): SourceListener {
    const token = ++this.sourceToken;
    const current = (): boolean => token === this.sourceToken;
    return {
      reading: (r) => {
        if (!current()) return;
        this.update({ lastReadingAt: r.receivedAt });
        for (const fn of this.readingListeners) fn(r);
      },
      status: (status, problem) => {
        if (current()) this.update({ status, problem: problem ?? (status === 'live' ? null : this.state.problem) });
      },
      info: (info) => {
        if (!current()) return;
        this.update({ deviceName: info.name, batteryPercent: info.batteryPercent ?? this.state.batteryPercent });
      },
      packetError: () => {
        if (current()) this.update({ packetErrors: this.state.packetErrors + 1 });
      },
    };
  }

  private attach(source: HeartRateSource): void {
    this.source = source;
    this.update({ sourceKind: source.kind, lastReadingAt: null });
    this.stopTicker();
    this.stopTicker = this.deps.every(LIVENESS_TICK_MS, () => this.refreshLiveness());
  }

  /** After a reload the browser may not know a remembered device's name any more; we do. */
  private nameOf(device: BluetoothDevice): string {
    return device.name || this.deps.deviceNames.read(device.id) || FALLBACK_NAME;
  }

  private refreshLiveness(): void {
    const next = this.liveness(this.state.lastReadingAt);
    if (next.liveness !== this.state.liveness || next.secondsSinceReading !== this.state.secondsSinceReading) {
      this.update({});
    }
  }

  private liveness(lastReadingAt: number | null): Pick<SensorSnapshot, 'liveness' | 'secondsSinceReading'> {
    const now = this.deps.now();
    return {
      liveness: livenessOf(lastReadingAt, now),
      secondsSinceReading: lastReadingAt === null ? null : Math.max(0, Math.floor((now - lastReadingAt) / 1000)),
    };
  }

  private update(patch: Partial<SensorSnapshot>): void {
    const next = { ...this.state, ...patch };
    this.state = { ...next, ...this.liveness(next.lastReadingAt) };
    for (const fn of this.listeners) fn(this.state);
  }
}

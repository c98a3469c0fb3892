import { livenessOf } from '../../core/liveness.ts';
import { NO_WEB_BLUETOOTH, describeBluetoothError } from '../sensor/bluetooth-problems.ts';
import {
  BluetoothHeartRateSensor,
  chooseHeartRateDevice,
  hasWebBluetooth,
  listRememberedDevices,
  waitForAdvertisement,
} from '../sensor/bluetooth-sensor.ts';
import { DemoHeartRateSensor } from '../sensor/demo-sensor.ts';
import type { PacketError } from '../../core/hr-packet.ts';
import type {
  HeartRateSource,
  SourceListener,
  SourceProblem,
  SourceStatus,
  TimedReading,
} from '../sensor/heart-rate-source.ts';

const ADVERTISEMENT_WAIT_MS = 3000;

/** The sensor link as the person sees it; forwards every reading to whoever subscribed. */
export class SensorState {
  status = $state<SourceStatus>('idle');
  problem = $state<SourceProblem | null>(null);
  deviceName = $state<string | null>(null);
  batteryPercent = $state<number | null>(null);
  sourceKind = $state<'bluetooth' | 'demo' | null>(null);
  packetErrors = $state(0);
  /** The browser's chooser is open (it also waits there while Bluetooth is off). */
  choosing = $state(false);
  lastReadingAt = $state<number | null>(null);
  remembered = $state<BluetoothDevice[]>([]);
  now = $state(Date.now());

  readonly webBluetooth = hasWebBluetooth();
  readonly liveness = $derived(livenessOf(this.lastReadingAt, this.now));
  readonly secondsSinceReading = $derived(
    this.lastReadingAt === null ? null : Math.max(0, Math.floor((this.now - this.lastReadingAt) / 1000)),
  );

  private source: HeartRateSource | null = null;
  private generation = 0;
  private bluetooth: BluetoothHeartRateSensor | null = null;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly readingListeners = new Set<(r: TimedReading) => void>();

  private readonly listener: SourceListener = {
    reading: (r) => {
      this.lastReadingAt = r.receivedAt;
      this.now = Date.now();
      for (const fn of this.readingListeners) fn(r);
    },
    status: (s, problem) => {
      this.status = s;
      if (problem) this.problem = problem;
      else if (s === 'live') this.problem = null;
    },
    info: (info) => {
      this.deviceName = info.name;
      if (info.batteryPercent !== undefined) this.batteryPercent = info.batteryPercent;
    },
    packetError: (_e: PacketError) => {
      this.packetErrors += 1;
    },
  };

  onReading(fn: (r: TimedReading) => void): () => void {
    this.readingListeners.add(fn);
    return () => this.readingListeners.delete(fn);
  }

  /** Looks for sensors allowed before, so a reload can offer one-tap reconnect. */
  async loadRemembered(): Promise<void> {
    this.remembered = await listRememberedDevices();
  }

  /** After a reload the browser may not know a remembered device's name any more; we do. */
  rememberedName(device: BluetoothDevice): string {
    return device.name || readDeviceNames()[device.id] || 'Heart-rate sensor';
  }

  /** Opens the chooser; call from a click handler. */
  async connectBluetooth(): Promise<void> {
    if (!this.webBluetooth) {
      this.problem = NO_WEB_BLUETOOTH;
      return;
    }
    this.problem = null;
    let device: BluetoothDevice;
    this.choosing = true;
    try {
      device = await chooseHeartRateDevice();
    } catch (error) {
      this.problem = describeBluetoothError(error);
      return;
    } finally {
      this.choosing = false;
    }
    await this.useDevice(device);
  }

  /**
   * One tap after a reload: connect straight away when the browser can still reach the device, else wait
   * for it to advertise; if neither works while the tap still counts as a user gesture, open the chooser.
   */
  async reconnectRemembered(device: BluetoothDevice): Promise<void> {
    this.problem = null;
    if (await this.useDevice(device)) return;
    if ((await waitForAdvertisement(device, ADVERTISEMENT_WAIT_MS)) && (await this.useDevice(device))) return;
    if (navigator.userActivation?.isActive ?? true) {
      await this.connectBluetooth();
      return;
    }
    this.problem = {
      kind: 'connection-failed',
      message: `Could not reach ${this.rememberedName(device)}. Make sure it is on and nearby, then tap “Connect sensor”.`,
    };
  }

  async startDemo(): Promise<void> {
    await this.stop();
    this.problem = null;
    const demo = new DemoHeartRateSensor(this.listener);
    this.attach(demo);
    demo.start();
  }

  /** Manual retry once the automatic reconnect gave up. */
  async retry(): Promise<void> {
    await this.bluetooth?.retry();
  }

  async stop(): Promise<void> {
    const source = this.source;
    this.source = null;
    this.bluetooth = null;
    clearInterval(this.ticker);
    this.ticker = undefined;
    await source?.stop();
    this.sourceKind = null;
    this.batteryPercent = null;
  }

  /** Resolves false when the device could not be connected (the problem is reported). */
  private async useDevice(device: BluetoothDevice): Promise<boolean> {
    // Two taps in a row must not leave two sensors feeding readings: only the latest call may attach.
    const generation = ++this.generation;
    await this.stop();
    if (generation !== this.generation) return false;
    const sensor = new BluetoothHeartRateSensor(device, this.listener, { fallbackName: this.rememberedName(device) });
    this.attach(sensor);
    this.bluetooth = sensor;
    this.deviceName = sensor.deviceName;
    if (device.name) writeDeviceName(device.id, device.name);
    try {
      await sensor.start();
      if (generation !== this.generation) {
        await sensor.stop();
        return false;
      }
      return true;
    } catch {
      // start() already reported the problem through the listener.
      if (this.source === sensor) {
        this.source = null;
        this.bluetooth = null;
        this.sourceKind = null;
        clearInterval(this.ticker);
      }
      return false;
    }
  }

  private attach(source: HeartRateSource): void {
    this.source = source;
    this.sourceKind = source.kind;
    this.lastReadingAt = null;
    clearInterval(this.ticker);
    // Drives the "no reading for N s" display without any reading arriving.
    this.ticker = setInterval(() => (this.now = Date.now()), 500);
  }
}

const DEVICE_NAMES_KEY = 'liveheartrate.deviceNames';

function readDeviceNames(): Record<string, string> {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(DEVICE_NAMES_KEY) ?? '{}');
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function writeDeviceName(id: string, name: string): void {
  try {
    localStorage.setItem(DEVICE_NAMES_KEY, JSON.stringify({ ...readDeviceNames(), [id]: name }));
  } catch {
    // Private mode or full storage: the button then says "Reconnect sensor".
  }
}

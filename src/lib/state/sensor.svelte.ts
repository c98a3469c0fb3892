import { livenessOf } from '../../core/liveness.ts';
import { NO_WEB_BLUETOOTH, describeBluetoothError } from '../sensor/bluetooth-problems.ts';
import {
  BluetoothHeartRateSensor,
  chooseHeartRateDevice,
  hasWebBluetooth,
  listRememberedDevices,
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

/** The sensor link as the person sees it; forwards every reading to whoever subscribed. */
export class SensorState {
  status = $state<SourceStatus>('idle');
  problem = $state<SourceProblem | null>(null);
  deviceName = $state<string | null>(null);
  batteryPercent = $state<number | null>(null);
  sourceKind = $state<'bluetooth' | 'demo' | null>(null);
  packetErrors = $state(0);
  lastReadingAt = $state<number | null>(null);
  remembered = $state<BluetoothDevice[]>([]);
  now = $state(Date.now());

  readonly webBluetooth = hasWebBluetooth();
  readonly liveness = $derived(livenessOf(this.lastReadingAt, this.now));
  readonly secondsSinceReading = $derived(
    this.lastReadingAt === null ? null : Math.max(0, Math.floor((this.now - this.lastReadingAt) / 1000)),
  );

  private source: HeartRateSource | null = null;
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

  /** Opens the chooser; call from a click handler. */
  async connectBluetooth(): Promise<void> {
    if (!this.webBluetooth) {
      this.problem = NO_WEB_BLUETOOTH;
      return;
    }
    this.problem = null;
    let device: BluetoothDevice;
    try {
      device = await chooseHeartRateDevice();
    } catch (error) {
      this.problem = describeBluetoothError(error);
      return;
    }
    await this.useDevice(device);
  }

  async reconnectRemembered(device: BluetoothDevice): Promise<void> {
    this.problem = null;
    await this.useDevice(device);
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

  private async useDevice(device: BluetoothDevice): Promise<void> {
    await this.stop();
    const sensor = new BluetoothHeartRateSensor(device, this.listener);
    this.attach(sensor);
    this.bluetooth = sensor;
    this.deviceName = sensor.deviceName;
    try {
      await sensor.start();
    } catch {
      // start() already reported the problem through the listener.
      this.source = null;
      this.bluetooth = null;
      this.sourceKind = null;
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

import { parseHeartRateMeasurement } from '../../core/hr-packet.ts';
import { fullJitterDelay, RECONNECT_BACKOFF } from '../../core/backoff.ts';
import { withTimeout, sleep } from '../with-timeout.ts';
import { describeBluetoothError } from './bluetooth-problems.ts';
import type { HeartRateSource, SourceListener } from './heart-rate-source.ts';

const HEART_RATE_FILTER: RequestDeviceOptions = {
  filters: [{ services: ['heart_rate'] }],
  optionalServices: ['battery_service', 'device_information'],
};

export function hasWebBluetooth(): boolean {
  return typeof navigator !== 'undefined' && 'bluetooth' in navigator && navigator.bluetooth !== undefined;
}

/** Opens the browser's device chooser; must run inside a user gesture. */
export function chooseHeartRateDevice(): Promise<BluetoothDevice> {
  return navigator.bluetooth.requestDevice(HEART_RATE_FILTER);
}

/** Devices this site was allowed before (survives reloads where the browser has getDevices()). */
export async function listRememberedDevices(): Promise<BluetoothDevice[]> {
  if (!hasWebBluetooth() || typeof navigator.bluetooth.getDevices !== 'function') return [];
  try {
    return await navigator.bluetooth.getDevices();
  } catch {
    return [];
  }
}

/**
 * A device remembered across a reload must be seen advertising before connect() can reach it. Resolves
 * false when the browser cannot watch advertisements or none arrives in time.
 */
export async function waitForAdvertisement(device: BluetoothDevice, timeoutMs: number): Promise<boolean> {
  if (typeof device.watchAdvertisements !== 'function') return false;
  const abort = new AbortController();
  try {
    const seen = new Promise<boolean>((resolve) =>
      device.addEventListener('advertisementreceived', () => resolve(true), { once: true, signal: abort.signal }),
    );
    await device.watchAdvertisements({ signal: abort.signal });
    return await Promise.race([seen, sleep(timeoutMs).then(() => false)]);
  } catch {
    return false;
  } finally {
    abort.abort();
  }
}

export interface BluetoothSensorOptions {
  /** Every GATT step gets a deadline: some devices never answer startNotifications(). */
  stepTimeoutMs?: number;
  /** After this long without a successful reconnect the link is reported lost. */
  giveUpAfterMs?: number;
  random?: () => number;
  /** Shown when the browser does not know the device's name (Chromium forgets it across reloads). */
  fallbackName?: string;
}

/**
 * One paired heart-rate device: connects, subscribes, turns notifications into typed readings, and
 * reconnects on link loss with exponential backoff (no new chooser: the device object is kept).
 */
export class BluetoothHeartRateSensor implements HeartRateSource {
  readonly kind = 'bluetooth' as const;
  private stopped = false;
  private reconnecting = false;
  private measurement: BluetoothRemoteGATTCharacteristic | null = null;
  private readonly stepTimeoutMs: number;
  private readonly giveUpAfterMs: number;
  private readonly random: () => number;
  private readonly fallbackName: string;

  constructor(
    private readonly device: BluetoothDevice,
    private readonly listener: SourceListener,
    options: BluetoothSensorOptions = {},
  ) {
    this.stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
    this.giveUpAfterMs = options.giveUpAfterMs ?? 5 * 60_000;
    this.random = options.random ?? Math.random;
    this.fallbackName = options.fallbackName ?? 'Heart-rate sensor';
    device.addEventListener('gattserverdisconnected', this.onDisconnected);
  }

  get deviceName(): string {
    return this.device.name || this.fallbackName;
  }

  /** First connection; rejects (after reporting the problem) when it fails. */
  async start(): Promise<void> {
    this.listener.status('connecting');
    try {
      await this.connect();
      this.listener.status('live');
    } catch (error) {
      // A link lost during the first connection must not leave a reconnect loop behind for a sensor the app
      // has given up on: it would keep delivering readings nobody can stop.
      this.stopped = true;
      this.detach();
      this.device.gatt?.disconnect();
      this.listener.status('idle', describeBluetoothError(error));
      throw error;
    }
  }

  /** One-tap retry after the link was reported lost. */
  async retry(): Promise<void> {
    if (this.stopped) return;
    await this.reconnect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const measurement = this.measurement;
    this.detach();
    try {
      await measurement?.stopNotifications();
    } catch {
      // The link may already be gone; stopping is best effort.
    }
    this.device.gatt?.disconnect();
    this.listener.status('idle');
  }

  private detach(): void {
    this.device.removeEventListener('gattserverdisconnected', this.onDisconnected);
    this.measurement?.removeEventListener('characteristicvaluechanged', this.onValue);
    this.measurement = null;
  }

  private async connect(): Promise<void> {
    const gatt = this.device.gatt;
    if (!gatt) throw new DOMException('This device has no GATT server', 'NotSupportedError');
    const server = await withTimeout(gatt.connect(), this.stepTimeoutMs, 'Connecting');
    const service = await withTimeout(server.getPrimaryService('heart_rate'), this.stepTimeoutMs, 'Finding the heart-rate service');
    const characteristic = await withTimeout(
      service.getCharacteristic('heart_rate_measurement'),
      this.stepTimeoutMs,
      'Finding the heart-rate measurement',
    );
    this.measurement?.removeEventListener('characteristicvaluechanged', this.onValue);
    characteristic.addEventListener('characteristicvaluechanged', this.onValue);
    this.measurement = characteristic;
    await withTimeout(characteristic.startNotifications(), this.stepTimeoutMs, 'Subscribing to heart rate');
    this.listener.info({ name: this.deviceName });
    void this.readBattery(server);
  }

  private async readBattery(server: BluetoothRemoteGATTServer): Promise<void> {
    try {
      const service = await withTimeout(server.getPrimaryService('battery_service'), this.stepTimeoutMs, 'Battery');
      const level = await withTimeout(service.getCharacteristic('battery_level'), this.stepTimeoutMs, 'Battery');
      const value = await withTimeout(level.readValue(), this.stepTimeoutMs, 'Battery');
      if (value.byteLength >= 1) this.listener.info({ name: this.deviceName, batteryPercent: value.getUint8(0) });
    } catch {
      // Many sensors have no battery service; the name alone is shown then.
    }
  }

  private readonly onValue = (event: Event): void => {
    const value = (event.target as BluetoothRemoteGATTCharacteristic).value;
    if (!value) return;
    const receivedAt = Date.now();
    const parsed = parseHeartRateMeasurement(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (parsed.ok) this.listener.reading({ reading: parsed.reading, receivedAt });
    else this.listener.packetError(parsed.error);
  };

  private readonly onDisconnected = (): void => {
    if (this.stopped) return;
    void this.reconnect();
  };

  private async reconnect(): Promise<void> {
    if (this.reconnecting || this.stopped) return;
    this.reconnecting = true;
    this.listener.status('reconnecting');
    const deadline = Date.now() + this.giveUpAfterMs;
    try {
      for (let attempt = 0; !this.stopped; attempt += 1) {
        try {
          await this.connect();
          // stop() may have come while connecting: leave nothing subscribed behind it.
          if (this.stopped) {
            this.detach();
            this.device.gatt?.disconnect();
            return;
          }
          this.listener.status('live');
          return;
        } catch (error) {
          if (this.stopped) return;
          if (Date.now() >= deadline) {
            this.listener.status('lost', describeBluetoothError(error));
            return;
          }
          await sleep(fullJitterDelay(attempt, RECONNECT_BACKOFF, this.random));
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }
}

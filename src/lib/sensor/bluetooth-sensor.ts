import { parseHeartRateMeasurement } from '../../core/hr-packet.ts';
import { fullJitterDelay, RECONNECT_BACKOFF } from '../../core/backoff.ts';
import { withTimeout } from '../with-timeout.ts';
import { describeBluetoothError } from './bluetooth-problems.ts';
import type { HeartRateSource, SourceListener } from './heart-rate-source.ts';

export const HEART_RATE_FILTER: RequestDeviceOptions = {
  filters: [{ services: ['heart_rate'] }],
  // Optional: straps without them still pair (the name alone is shown then).
  optionalServices: ['battery_service', 'device_information'],
};

/**
 * Waits before the 2nd and 3rd try of a first connection. Android fails about 30 % of first
 * gatt.connect() calls with a NetworkError that clears a few seconds later, so the waits are seconds,
 * not the sub-second first step of the reconnect backoff; three tries bound the wait before an error shows.
 */
const FIRST_CONNECT_RETRY_DELAYS_MS: readonly number[] = [1_000, 3_000];

/**
 * A device remembered across a reload must be seen advertising before connect() can reach it. Resolves
 * false when the browser cannot watch advertisements or none arrives in time.
 */
export async function waitForAdvertisement(
  device: BluetoothDevice,
  timeoutMs: number,
  delay: (ms: number) => Promise<void>,
): Promise<boolean> {
  if (typeof device.watchAdvertisements !== 'function') return false;
  const abort = new AbortController();
  try {
    const seen = new Promise<boolean>((resolve) =>
      device.addEventListener('advertisementreceived', () => resolve(true), { once: true, signal: abort.signal }),
    );
    await device.watchAdvertisements({ signal: abort.signal });
    return await Promise.race([seen, delay(timeoutMs).then(() => false)]);
  } catch {
    return false;
  } finally {
    abort.abort();
  }
}

interface BluetoothSensorOptions {
  /** Waits between tries; injected so tests can run the retry flow without waiting. */
  delay: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  /** Every GATT step gets a deadline: some devices never answer startNotifications(). */
  stepTimeoutMs?: number;
  /** After this long without a successful reconnect the link is reported lost. */
  giveUpAfterMs?: number;
  /** Shown when the browser does not know the device's name (Chromium forgets it across reloads). */
  fallbackName?: string;
  /** Whether start() retries a NetworkError (default true); a caller with its own fallback may want one try. */
  retryFirstConnection?: boolean;
}

/**
 * One paired heart-rate device: connects (retrying a first connection that fails with a NetworkError),
 * subscribes, turns notifications into typed readings, and reconnects on link loss with exponential backoff
 * (no new chooser: the device object is kept).
 */
export class BluetoothHeartRateSensor implements HeartRateSource {
  readonly kind = 'bluetooth' as const;
  private stopped = false;
  /** Link loss is handled by reconnect() only once the first connection succeeded; start() retries before. */
  private everLive = false;
  private reconnecting = false;
  private measurement: BluetoothRemoteGATTCharacteristic | null = null;
  private readonly stepTimeoutMs: number;
  private readonly giveUpAfterMs: number;
  private readonly random: () => number;
  private readonly fallbackName: string;

  constructor(
    private readonly device: BluetoothDevice,
    private readonly listener: SourceListener,
    private readonly options: BluetoothSensorOptions,
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

  /**
   * First connection. Resolves true once live, false when stop() came first; rejects (after reporting the
   * problem) when every try failed.
   */
  async start(): Promise<boolean> {
    this.listener.status('connecting');
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await this.connect();
          break;
        } catch (error) {
          const wait = this.options.retryFirstConnection === false ? undefined : FIRST_CONNECT_RETRY_DELAYS_MS[attempt];
          if (this.stopped) return false;
          if (!isTransient(error) || wait === undefined) throw error;
          await this.options.delay(wait);
          if (this.stopped) return false;
        }
      }
      if (this.stopped) {
        this.release();
        return false;
      }
      this.everLive = true;
      this.listener.status('live');
      return true;
    } catch (error) {
      // Nothing of a sensor the app gave up on may keep running: it would deliver readings nobody can stop.
      this.stopped = true;
      this.release();
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
    if (measurement) await this.unsubscribe(measurement);
    this.disconnect();
    this.listener.status('idle');
  }

  /**
   * Telling the sensor to stop notifying is only politeness: disconnecting ends notifications anyway. After a
   * link loss browsers reject stopNotifications() (NetworkError), and some never settle it, so neither may
   * reach the person or hold up stopping.
   */
  private async unsubscribe(measurement: BluetoothRemoteGATTCharacteristic): Promise<void> {
    try {
      await withTimeout(
        Promise.resolve().then(() => measurement.stopNotifications()),
        this.stepTimeoutMs,
        'Unsubscribing',
      );
    } catch {
      // Best effort, see above.
    }
  }

  /** Forgets the listeners and drops the link: nothing from this device reaches the app afterwards. */
  private release(): void {
    this.detach();
    this.disconnect();
  }

  private detach(): void {
    this.device.removeEventListener('gattserverdisconnected', this.onDisconnected);
    this.measurement?.removeEventListener('characteristicvaluechanged', this.onValue);
    this.measurement = null;
  }

  private disconnect(): void {
    try {
      this.device.gatt?.disconnect();
    } catch {
      // Already disconnected.
    }
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
    const receivedAt = this.options.now();
    const parsed = parseHeartRateMeasurement(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
    if (parsed.ok) this.listener.reading({ reading: parsed.reading, receivedAt });
    else this.listener.packetError(parsed.error);
  };

  private readonly onDisconnected = (): void => {
    if (this.stopped || !this.everLive) return;
    void this.reconnect();
  };

  private async reconnect(): Promise<void> {
    if (this.reconnecting || this.stopped) return;
    this.reconnecting = true;
    this.listener.status('reconnecting');
    const deadline = this.options.now() + this.giveUpAfterMs;
    try {
      for (let attempt = 0; !this.stopped; attempt += 1) {
        try {
          await this.connect();
          // stop() may have come while connecting: leave nothing subscribed behind it.
          if (this.stopped) {
            this.release();
            return;
          }
          this.listener.status('live');
          return;
        } catch (error) {
          if (this.stopped) return;
          if (this.options.now() >= deadline) {
            this.listener.status('lost', describeBluetoothError(error));
            return;
          }
          await this.options.delay(fullJitterDelay(attempt, RECONNECT_BACKOFF, this.random));
        }
      }
    } finally {
      this.reconnecting = false;
    }
  }
}

/** Only a NetworkError is worth retrying at once: a missing service or a refused permission stays so. */
function isTransient(error: unknown): boolean {
  return (error instanceof Error || error instanceof DOMException) && error.name === 'NetworkError';
}

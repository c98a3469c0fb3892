/**
 * An emulated BLE heart-rate strap for real Chromium, driven over CDP.
 *
 * Facts this relies on (measured on Chromium 156 with Playwright 1.65):
 * - BluetoothEmulation.* only works on a browser-level CDP session, DeviceAccess.* on the page's.
 * - Chromium 156 cannot push a GATT notification, so notify() makes the page read the
 *   characteristic and answers that read; Chromium then fires `characteristicvaluechanged` on the
 *   app's own characteristic object.
 * - simulateGATTDisconnection empties the peripheral's GATT database; it is rebuilt at once.
 * - Chromium merges concurrent reads of one characteristic into one answer, so pushes are queued.
 * - Chromium drops the emulated adapter once no document uses Web Bluetooth, e.g. when the app
 *   page reloads; a hidden "keeper" page in its own context keeps it in use.
 *
 * Emulation is browser-wide: attach at most one sensor per browser at a time.
 */
import type { Browser, BrowserContext, CDPSession, Page } from '@playwright/test';

export type AdapterState = 'powered-on' | 'powered-off' | 'absent';
export type ChooserMode = 'select' | 'cancel';

export interface SensorOptions {
  /** Advertised name, also what the page sees as `device.name`. */
  name?: string;
  /** Bluetooth address; DeviceAccess reports it as the chooser's device id. */
  address?: string;
  /** Battery level 0–100 served by Battery Service 0x180F, or null for no battery service. */
  battery?: number | null;
  /** Serve Device Information 0x180A (manufacturer name and model number strings). */
  deviceInformation?: boolean;
  /** State of the emulated adapter at attach time. */
  adapter?: AdapterState;
  /** How the device chooser is answered; can be changed later through `sensor.chooser`. */
  chooser?: ChooserMode;
}

export const SENSOR_DEFAULTS = {
  name: 'Emulated HRM',
  address: 'C4:7E:00:00:00:01',
  battery: 87,
  deviceInformation: true,
  adapter: 'powered-on',
  chooser: 'select',
} as const satisfies Required<SensorOptions>;

export const DEVICE_INFORMATION = { manufacturerName: 'Emulated Labs', modelNumber: 'HRM-EMU-1' } as const;

/** HCI "Connection Timeout": a realistic reason for a failed connect. */
export const HCI_CONNECTION_TIMEOUT = 0x08;

/** How long a step may take before it fails the test: an upper bound for a busy shared machine, never a wait. */
const STEP_BOUND_MS = 20_000;

type CharacteristicOperation = 'read' | 'write' | 'subscribe-to-notifications' | 'unsubscribe-from-notifications';
type CharacteristicKey = 'heart-rate' | 'battery' | 'manufacturer-name' | 'model-number';

interface CharacteristicSpec {
  key: CharacteristicKey;
  uuid: number;
  notify: boolean;
  /** Value for a read the harness did not ask for (e.g. the app reading battery level). */
  defaultValue: () => Uint8Array;
}

interface ServiceSpec {
  uuid: number;
  characteristics: CharacteristicSpec[];
}

interface PendingPush {
  key: CharacteristicKey;
  bytes: Uint8Array;
}

interface Waiter {
  done: () => boolean;
  resolve: () => void;
}

const uuid128 = (short: number): string =>
  `0000${short.toString(16).padStart(4, '0')}-0000-1000-8000-00805f9b34fb`;
const CCCD_UUID = 0x2902;
const SERVICE_OF: Record<CharacteristicKey, number> = {
  'heart-rate': 0x180d,
  battery: 0x180f,
  'manufacturer-name': 0x180a,
  'model-number': 0x180a,
};
const CHARACTERISTIC_UUID: Record<CharacteristicKey, number> = {
  'heart-rate': 0x2a37,
  battery: 0x2a19,
  'manufacturer-name': 0x2a29,
  'model-number': 0x2a24,
};

/** Any potentially trustworthy origin works: Web Bluetooth needs a secure context. */
const KEEPER_URL = 'http://127.0.0.1/__adapter-keeper';

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/**
 * Runs inside the page: reads the characteristic through the page's own Web Bluetooth objects,
 * which are the ones the app holds, so the answered read reaches the app's listener.
 */
async function readInPage(target: { name: string; service: number; characteristic: number }): Promise<void> {
  const devices = await navigator.bluetooth.getDevices();
  const connected = devices.filter((d) => d.gatt?.connected);
  // After a reload getDevices() reports the emulated device with an empty name (Chromium's fake
  // peripheral has no display name), so fall back to the only connected device.
  const device = connected.find((d) => d.name === target.name) ?? (connected.length === 1 ? connected[0] : undefined);
  if (!device?.gatt) {
    const seen = devices.map((d) => `${d.name ?? '?'}(connected=${String(d.gatt?.connected)})`).join(', ');
    throw new Error(`no connected device "${target.name}" in the page; devices: [${seen}]`);
  }
  const service = await device.gatt.getPrimaryService(target.service);
  const characteristic = await service.getCharacteristic(target.characteristic);
  await characteristic.readValue();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export class EmulatedHeartRateSensor {
  readonly name: string;
  readonly address: string;
  /** How the next chooser prompts are answered. */
  chooser: ChooserMode;
  /** Battery level served to reads of 0x2A19. */
  battery: number | null;
  /** Distinct chooser prompts seen (a reconnect through gatt.connect() must not add one). */
  get promptCount(): number {
    return this.promptsSeen.size;
  }
  /**
   * `connection` operations answered with success. Chromium skips the operation when it still
   * thinks the device is linked (e.g. reconnecting after the page's own gatt.disconnect()), so
   * waitForSubscription() is the surer sign that the app is streaming again.
   */
  connectionCount = 0;
  /** `connection` operations answered with an error (failNextConnections(), or the adapter is off). */
  failedConnectionCount = 0;
  /** Link losses simulated by disconnect(). */
  disconnectCount = 0;
  /** Errors raised while answering Chromium's events; the test fixture fails the test on any. */
  readonly errors: Error[] = [];

  private readonly services: ServiceSpec[];
  private readonly specsById = new Map<string, CharacteristicSpec>();
  /** Characteristic ids of GATT databases emptied by a link loss. */
  private readonly retiredIds = new Set<string>();
  /** Bumped on every link loss, to recognise answers that raced with it. */
  private linkGeneration = 0;
  private readonly lastValues = new Map<CharacteristicKey, Uint8Array>();
  private readonly subscribed = new Set<CharacteristicKey>();
  private readonly promptsSeen = new Set<string>();
  private readonly promptsAnswered = new Set<string>();
  private readonly connectionFailures: number[] = [];
  private readonly waiters = new Set<Waiter>();
  private adapter: AdapterState;
  /** Whether the chooser can list the peripheral (simulated as connected to the system). */
  private peripheralListed = false;
  private pendingPush: PendingPush | undefined;
  private pushQueue: Promise<unknown> = Promise.resolve();
  /** Resolved once the GATT database is complete; a `connection` is only answered after it. */
  private gattReady: Promise<void> = Promise.resolve();
  private detached = false;
  private unlisten = (): void => {};

  private constructor(
    private readonly emulation: CDPSession,
    private readonly pageSession: CDPSession,
    private readonly page: Page,
    private readonly keeper: BrowserContext,
    opts: Required<SensorOptions>,
  ) {
    this.name = opts.name;
    this.address = opts.address;
    this.chooser = opts.chooser;
    this.battery = opts.battery;
    this.adapter = opts.adapter;
    this.services = this.gattLayout(opts);
  }

  /**
   * Enables emulation for the whole browser and creates the peripheral. Call before the page
   * calls requestDevice() (navigation in between is fine).
   */
  static async attach(
    browser: Browser,
    context: BrowserContext,
    page: Page,
    opts: SensorOptions = {},
  ): Promise<EmulatedHeartRateSensor> {
    const emulation = await browser.newBrowserCDPSession();
    const pageSession = await context.newCDPSession(page);
    const keeper = await browser.newContext();
    const options = { ...SENSOR_DEFAULTS, ...opts };
    const sensor = new EmulatedHeartRateSensor(emulation, pageSession, page, keeper, options);
    try {
      await sensor.start();
    } catch (error) {
      await sensor.detach();
      throw error;
    }
    return sensor;
  }

  /** Makes the next `n` connection attempts fail with an HCI error (connect() → NetworkError). */
  failNextConnections(n: number, hciCode: number = HCI_CONNECTION_TIMEOUT): void {
    for (let i = 0; i < n; i++) this.connectionFailures.push(hciCode);
  }

  /**
   * Delivers a Heart Rate Measurement (0x2A37) value to the app's `characteristicvaluechanged`
   * listener. Resolves once the page's read completed, i.e. after the app's listener ran.
   * Calls are queued, so concurrent calls arrive in call order. Like a real strap, it only
   * notifies a subscribed app: it first waits (up to timeoutMs) for startNotifications().
   */
  notify(bytes: Uint8Array | readonly number[], opts: { timeoutMs?: number } = {}): Promise<void> {
    return this.push('heart-rate', Uint8Array.from(bytes), opts.timeoutMs ?? STEP_BOUND_MS);
  }

  /** Sets the battery level and delivers it like notify() does (no subscription required). */
  notifyBattery(level: number, opts: { timeoutMs?: number } = {}): Promise<void> {
    if (this.battery === null) throw new Error('this sensor was attached with battery: null');
    this.battery = level;
    return this.push('battery', Uint8Array.of(level), opts.timeoutMs ?? STEP_BOUND_MS);
  }

  /**
   * Simulates a link loss: the page gets `gattserverdisconnected`. The GATT database is rebuilt
   * (new ids) before the app's next connection is answered, so notify() keeps working after
   * the app reconnects; the sensor stays listed in the chooser, like a strap still in range.
   */
  async disconnect(): Promise<void> {
    await this.dropLink(this.adapter === 'powered-on');
    this.disconnectCount++;
  }

  /**
   * Changes the adapter state. Powering on a sensor attached with `adapter: 'powered-off'` adds
   * the peripheral first, so a chooser that was waiting for Bluetooth then lists it.
   * Turning a powered-on adapter off drops the link (`gattserverdisconnected`) and fails every
   * connection attempt until it is powered on again: Chromium's emulation alone would keep the
   * link up and keep accepting connections, which no real adapter does.
   */
  async setAdapterState(state: AdapterState): Promise<void> {
    const wasOn = this.adapter === 'powered-on';
    this.adapter = state;
    // A chooser waiting for Bluetooth rescans when the adapter comes on: the peripheral must
    // exist by then to be listed.
    if (state === 'powered-on' && !this.peripheralListed) await this.addPeripheral();
    await this.emulation.send('BluetoothEmulation.setSimulatedCentralState', { state });
    if (wasOn && state !== 'powered-on') await this.dropLink(false);
  }

  get adapterState(): AdapterState {
    return this.adapter;
  }

  /**
   * True while the app is subscribed to heart-rate notifications on the current connection.
   * A disconnect started by the page (gatt.disconnect()) sends no event, so it stays true then.
   */
  get heartRateSubscribed(): boolean {
    return this.subscribed.has('heart-rate');
  }

  /** Resolves once `connectionCount >= n`. */
  waitForConnections(n: number, timeoutMs = STEP_BOUND_MS): Promise<void> {
    return this.waitUntil(() => this.connectionCount >= n, timeoutMs, `${n} connection(s)`);
  }

  /** Resolves once `failedConnectionCount >= n`. */
  waitForFailedConnections(n: number, timeoutMs = STEP_BOUND_MS): Promise<void> {
    return this.waitUntil(() => this.failedConnectionCount >= n, timeoutMs, `${n} failed connection(s)`);
  }

  /** Resolves once the app subscribed to heart-rate notifications on the current connection. */
  waitForSubscription(timeoutMs = STEP_BOUND_MS): Promise<void> {
    return this.waitUntil(() => this.heartRateSubscribed, timeoutMs, 'a heart-rate subscription');
  }

  /** Resolves once `promptCount >= n`. */
  waitForPrompts(n: number, timeoutMs = STEP_BOUND_MS): Promise<void> {
    return this.waitUntil(() => this.promptCount >= n, timeoutMs, `${n} chooser prompt(s)`);
  }

  /**
   * Closes the page (and the keeper page), then disables emulation. The pages go first:
   * re-enabling emulation while a page still held the device crashed Chromium on its next
   * reconnect. Idempotent.
   */
  async detach(): Promise<void> {
    if (this.detached) return;
    this.detached = true;
    this.unlisten();
    await this.page.close().catch(() => {});
    await this.keeper.close().catch(() => {});
    await this.emulation.send('BluetoothEmulation.disable').catch(() => {});
    await this.emulation.detach().catch(() => {});
  }

  private async start(): Promise<void> {
    this.listen();
    const keeperPage = this.openKeeperPage();
    keeperPage.catch(() => {}); // awaited below; this only stops an early failure going unobserved
    await this.pageSession.send('DeviceAccess.enable');
    // A previous test's emulation may still be on; enable only works from a clean state.
    await this.emulation.send('BluetoothEmulation.disable');
    await this.emulation.send('BluetoothEmulation.enable', { state: this.adapter, leSupported: true });
    // With the adapter off a preconnected peripheral would still be offered by the chooser,
    // which no real adapter does, so it appears only when the adapter is powered on.
    if (this.adapter === 'powered-on') await this.addPeripheral();
    // Any Web Bluetooth call makes the document hold the (now emulated) adapter.
    await (await keeperPage).evaluate(() => navigator.bluetooth.getAvailability());
  }

  /**
   * Chromium releases the emulated adapter, and with it the whole emulation, when the last
   * document using Web Bluetooth goes away: a reload of the app page would otherwise leave
   * "BluetoothEmulation not enabled" and connect() failing with "Bluetooth Device is no longer
   * in range". Its own context keeps it clear of the test's routes, pages and storage.
   */
  private async openKeeperPage(): Promise<Page> {
    const page = await this.keeper.newPage();
    await page.route(KEEPER_URL, (route) =>
      route.fulfill({ contentType: 'text/html', body: '<title>Bluetooth adapter keeper</title>' }),
    );
    await page.goto(KEEPER_URL);
    return page;
  }

  private listen(): void {
    const onGatt = (e: { address: string; type: 'connection' | 'discovery' }): void => {
      if (e.address === this.address) this.guard(this.onGattOperation(e.type));
    };
    const onCharacteristic = (e: { characteristicId: string; type: CharacteristicOperation }): void => {
      this.guard(this.onCharacteristicOperation(e.characteristicId, e.type));
    };
    const onDescriptor = (e: { descriptorId: string; type: 'read' | 'write' }): void => {
      this.guard(this.onDescriptorOperation(e.descriptorId, e.type));
    };
    const onPrompt = (e: { id: string; devices: { id: string }[] }): void => {
      this.guard(this.onPrompt(e.id, e.devices));
    };
    this.emulation.on('BluetoothEmulation.gattOperationReceived', onGatt);
    this.emulation.on('BluetoothEmulation.characteristicOperationReceived', onCharacteristic);
    this.emulation.on('BluetoothEmulation.descriptorOperationReceived', onDescriptor);
    this.pageSession.on('DeviceAccess.deviceRequestPrompted', onPrompt);
    this.unlisten = () => {
      this.emulation.off('BluetoothEmulation.gattOperationReceived', onGatt);
      this.emulation.off('BluetoothEmulation.characteristicOperationReceived', onCharacteristic);
      this.emulation.off('BluetoothEmulation.descriptorOperationReceived', onDescriptor);
      this.pageSession.off('DeviceAccess.deviceRequestPrompted', onPrompt);
    };
  }

  /**
   * Event handlers must never reject unobserved; keep the error for the fixture to report.
   * An operation whose link dropped while it was being answered cannot be answered any more
   * (its attribute is gone) and Chromium fails it in the page itself: not a harness error.
   */
  private guard(work: Promise<void>): void {
    const generation = this.linkGeneration;
    work.catch((error: unknown) => {
      if (this.detached || generation !== this.linkGeneration) return;
      this.errors.push(error instanceof Error ? error : new Error(String(error)));
    });
  }

  private async onPrompt(id: string, devices: readonly { id: string }[]): Promise<void> {
    if (this.promptsAnswered.has(id)) return; // the event repeats; a second answer aborts the browser
    this.promptsSeen.add(id);
    this.stateChanged();
    if (this.chooser === 'cancel') {
      this.promptsAnswered.add(id);
      await this.pageSession.send('DeviceAccess.cancelPrompt', { id });
      return;
    }
    // The device may be listed only in a later event for the same prompt.
    if (!devices.some((d) => d.id === this.address)) return;
    this.promptsAnswered.add(id);
    await this.pageSession.send('DeviceAccess.selectPrompt', { id, deviceId: this.address });
  }

  private async onGattOperation(type: 'connection' | 'discovery'): Promise<void> {
    if (type === 'connection') await this.gattReady;
    const code = type === 'connection' ? this.connectionResponseCode() : 0;
    await this.emulation.send('BluetoothEmulation.simulateGATTOperationResponse', {
      address: this.address,
      type,
      code,
    });
    if (type !== 'connection') return;
    if (code === 0) this.connectionCount++;
    else this.failedConnectionCount++;
    this.stateChanged();
  }

  private connectionResponseCode(): number {
    if (this.adapter !== 'powered-on') return HCI_CONNECTION_TIMEOUT;
    return this.connectionFailures.shift() ?? 0;
  }

  private async onCharacteristicOperation(
    characteristicId: string,
    type: CharacteristicOperation,
  ): Promise<void> {
    const spec = this.specsById.get(characteristicId);
    if (!spec) {
      // Queued before a link loss; Chromium already failed it with the link.
      if (this.retiredIds.has(characteristicId)) return;
      throw new Error(`operation ${type} on unknown characteristic ${characteristicId}`);
    }
    const response = { characteristicId, type, code: 0 };
    if (type === 'read') {
      const data = this.readValue(spec);
      await this.emulation.send('BluetoothEmulation.simulateCharacteristicOperationResponse', {
        ...response,
        data: toBase64(data),
      });
      return;
    }
    await this.emulation.send('BluetoothEmulation.simulateCharacteristicOperationResponse', response);
    if (type === 'subscribe-to-notifications') this.subscribed.add(spec.key);
    if (type === 'unsubscribe-from-notifications') this.subscribed.delete(spec.key);
    this.stateChanged();
  }

  private async onDescriptorOperation(descriptorId: string, type: 'read' | 'write'): Promise<void> {
    // Only CCCDs exist; a read reports "notifications off", writes are accepted.
    const data = type === 'read' ? { data: toBase64(Uint8Array.of(0, 0)) } : {};
    await this.emulation.send('BluetoothEmulation.simulateDescriptorOperationResponse', {
      descriptorId,
      type,
      code: 0,
      ...data,
    });
  }

  /** The queued push for this characteristic if one waits, else the last or default value. */
  private readValue(spec: CharacteristicSpec): Uint8Array {
    const push = this.pendingPush;
    if (push?.key === spec.key) {
      this.pendingPush = undefined;
      this.lastValues.set(spec.key, push.bytes);
      return push.bytes;
    }
    return spec.key === 'battery' ? spec.defaultValue() : (this.lastValues.get(spec.key) ?? spec.defaultValue());
  }

  private push(key: CharacteristicKey, bytes: Uint8Array, timeoutMs: number): Promise<void> {
    const run = (): Promise<void> => this.pushNow(key, bytes, timeoutMs);
    const result = this.pushQueue.then(run, run);
    this.pushQueue = result.catch(() => {});
    return result;
  }

  private async pushNow(key: CharacteristicKey, bytes: Uint8Array, timeoutMs: number): Promise<void> {
    if (key === 'heart-rate') {
      await this.waitUntil(() => this.heartRateSubscribed, timeoutMs, 'the app to call startNotifications()');
    }
    this.pendingPush = { key, bytes };
    const target = { name: this.name, service: SERVICE_OF[key], characteristic: CHARACTERISTIC_UUID[key] };
    try {
      await withTimeout(this.page.evaluate(readInPage, target), timeoutMs, `delivering ${key} value`);
    } finally {
      this.pendingPush = undefined;
    }
  }

  private gattLayout(opts: Required<SensorOptions>): ServiceSpec[] {
    const spec = (key: CharacteristicKey, notify: boolean, defaultValue: () => Uint8Array): CharacteristicSpec => ({
      key,
      uuid: CHARACTERISTIC_UUID[key],
      notify,
      defaultValue,
    });
    // Flags 0x00 = uint8 bpm, no contact/energy/RR fields: what a read before any notify() sees.
    const services: ServiceSpec[] = [
      { uuid: 0x180d, characteristics: [spec('heart-rate', true, () => Uint8Array.of(0x00, 0))] },
    ];
    if (opts.battery !== null) {
      services.push({ uuid: 0x180f, characteristics: [spec('battery', true, () => Uint8Array.of(this.battery ?? 0))] });
    }
    if (opts.deviceInformation) {
      services.push({
        uuid: 0x180a,
        characteristics: [
          spec('manufacturer-name', false, () => utf8(DEVICE_INFORMATION.manufacturerName)),
          spec('model-number', false, () => utf8(DEVICE_INFORMATION.modelNumber)),
        ],
      });
    }
    return services;
  }

  /**
   * simulateGATTDisconnection empties the GATT database and also stops the peripheral being
   * "connected" to the system, which hides it from the chooser (and an advertisement would bring
   * it back nameless). Simulating it as preconnected again keeps it listed, with its name, like
   * a strap that is still in range; the database is rebuilt with it (new ids).
   * Connections wait for the rebuild, as they would otherwise find an empty database.
   */
  private async dropLink(stayListed: boolean): Promise<void> {
    let release = (): void => {};
    this.gattReady = new Promise((resolve) => (release = resolve));
    try {
      if (this.peripheralListed) {
        await this.emulation.send('BluetoothEmulation.simulateGATTDisconnection', { address: this.address });
      }
      this.peripheralListed = false;
      this.linkGeneration++;
      for (const id of this.specsById.keys()) this.retiredIds.add(id);
      this.specsById.clear();
      this.subscribed.clear();
      this.stateChanged();
      if (stayListed) await this.addPeripheral();
    } finally {
      release();
    }
  }

  /** Makes the peripheral known and "connected" to the system, with a fresh GATT database. */
  private async addPeripheral(): Promise<void> {
    await this.emulation.send('BluetoothEmulation.simulatePreconnectedPeripheral', {
      address: this.address,
      name: this.name,
      manufacturerData: [],
      knownServiceUuids: this.services.map((s) => uuid128(s.uuid)),
    });
    this.peripheralListed = true;
    await this.addGattDatabase();
  }

  /** Adds every service, characteristic and CCCD, remembering the (new) characteristic ids. */
  private async addGattDatabase(): Promise<void> {
    for (const service of this.services) {
      const { serviceId } = await this.emulation.send('BluetoothEmulation.addService', {
        address: this.address,
        serviceUuid: uuid128(service.uuid),
      });
      for (const spec of service.characteristics) await this.addCharacteristic(serviceId, spec);
    }
  }

  private async addCharacteristic(serviceId: string, spec: CharacteristicSpec): Promise<void> {
    // Every characteristic is readable: reads are how notify() reaches the page.
    const { characteristicId } = await this.emulation.send('BluetoothEmulation.addCharacteristic', {
      serviceId,
      characteristicUuid: uuid128(spec.uuid),
      properties: { read: true, notify: spec.notify },
    });
    if (spec.notify) {
      // Without a CCCD, startNotifications() rejects with NotSupportedError.
      await this.emulation.send('BluetoothEmulation.addDescriptor', {
        characteristicId,
        descriptorUuid: uuid128(CCCD_UUID),
      });
    }
    this.specsById.set(characteristicId, spec);
  }

  private waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (done()) return Promise.resolve();
    let waiter: Waiter | undefined;
    const reached = new Promise<void>((resolve) => {
      waiter = { done, resolve };
      this.waiters.add(waiter);
    });
    const state = (): string =>
      `connections=${this.connectionCount} prompts=${this.promptCount} subscribed=${this.heartRateSubscribed}`;
    return withTimeout(reached, timeoutMs, `waiting for ${what}`)
      .catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)} (${state()})`);
      })
      .finally(() => {
        if (waiter) this.waiters.delete(waiter);
      });
  }

  private stateChanged(): void {
    for (const waiter of this.waiters) {
      if (waiter.done()) {
        this.waiters.delete(waiter);
        waiter.resolve();
      }
    }
  }
}

/**
 * Makes the page look like a browser without Web Bluetooth (call before page.goto()).
 * `bluetooth` is an accessor on Navigator.prototype, so deleting it there hides it everywhere.
 */
export async function hideWebBluetooth(target: Page | BrowserContext): Promise<void> {
  await target.addInitScript(() => {
    Reflect.deleteProperty(Navigator.prototype, 'bluetooth');
  });
}

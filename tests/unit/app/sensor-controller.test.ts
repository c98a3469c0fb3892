import { describe, expect, it, vi } from 'vitest';
import type { SensorController, SensorSnapshot } from '../../../src/lib/sensor/sensor-controller.ts';
import type { TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';
import { FakeBluetooth, FakeHeartRateDevice, createController, T0 } from './sensor-fakes.ts';

/** Every snapshot the controller publishes, to check what the person saw along the way. */
function recordSnapshots(controller: SensorController): SensorSnapshot[] {
  const seen: SensorSnapshot[] = [];
  controller.subscribe((s) => seen.push(s));
  return seen;
}

function recordReadings(controller: SensorController): TimedReading[] {
  const readings: TimedReading[] = [];
  controller.onReading((r) => readings.push(r));
  return readings;
}

/** Status changes only, in order (consecutive repeats collapsed). */
function statusesOf(snapshots: readonly SensorSnapshot[]): string[] {
  return snapshots.map((s) => s.status).filter((s, i, all) => i === 0 || all[i - 1] !== s);
}

/** Lets every pending promise callback run; the fakes answer within microtasks, never on a timer. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

describe('SensorController: pairing', () => {
  it('pairs through the chooser, shows name and battery, and forwards readings', async () => {
    // Prepare
    const device = new FakeHeartRateDevice({ name: 'Polar H10', battery: 80 });
    const bluetooth = new FakeBluetooth(device);
    const { controller, clock, names } = createController(bluetooth);
    const readings = recordReadings(controller);
    // Act
    await controller.connectBluetooth();
    device.heartRate.notify([0x00, 72]);
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.batteryPercent).toBe(80));
    expect(controller.snapshot).toMatchObject({
      status: 'live',
      sourceKind: 'bluetooth',
      deviceName: 'Polar H10',
      problem: null,
      lastReadingAt: clock.time,
      liveness: 'live',
    });
    expect(readings.map((r) => r.reading.bpm)).toEqual([72]);
    expect(names.read(device.id)).toBe('Polar H10');
    expect(bluetooth.prompts).toBe(1);
  });

  it('pairs a strap that has neither battery nor device-information service', async () => {
    // Prepare
    const device = new FakeHeartRateDevice({ battery: null });
    const { controller } = createController(new FakeBluetooth(device));
    const readings = recordReadings(controller);
    // Act
    await controller.connectBluetooth();
    device.heartRate.notify([0x00, 64]);
    await settle();
    // Assess
    expect(controller.snapshot).toMatchObject({ status: 'live', deviceName: 'Polar H10', batteryPercent: null, problem: null });
    expect(readings.map((r) => r.reading.bpm)).toEqual([64]);
  });

  it('says so when the chooser is cancelled', async () => {
    // Prepare
    const bluetooth = new FakeBluetooth(new FakeHeartRateDevice());
    bluetooth.chooser = 'cancel';
    const { controller } = createController(bluetooth);
    // Act
    await controller.connectBluetooth();
    // Assess
    expect(controller.snapshot).toMatchObject({ status: 'idle', sourceKind: null, choosing: false });
    expect(controller.snapshot.problem?.kind).toBe('chooser-cancelled');
  });

  it('explains which browsers work when there is no Web Bluetooth', async () => {
    // Prepare
    const { controller } = createController(null);
    // Act
    await controller.connectBluetooth();
    // Assess
    expect(controller.snapshot.problem?.kind).toBe('no-web-bluetooth');
  });

  it('marks the last reading stale after three seconds without another', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    const { controller, clock } = createController(new FakeBluetooth(device));
    await controller.connectBluetooth();
    device.heartRate.notify([0x00, 72]);
    // Act
    clock.advance(3_500);
    // Assess
    expect(controller.snapshot).toMatchObject({ liveness: 'stale', secondsSinceReading: 3, status: 'live' });
  });
});

describe('SensorController: first connection', () => {
  it('retries a first connection that fails with NetworkError, showing "connecting" and no error meanwhile', async () => {
    // Prepare: Android fails about 30 % of first connects and succeeds seconds later
    const device = new FakeHeartRateDevice();
    device.failNextConnections(2);
    const { controller, clock } = createController(new FakeBluetooth(device));
    const snapshots = recordSnapshots(controller);
    // Act
    await controller.connectBluetooth();
    // Assess
    expect(statusesOf(snapshots)).toEqual(['idle', 'connecting', 'live']);
    expect(snapshots.every((s) => s.problem === null)).toBe(true);
    expect(device.gatt.connectAttempts).toBe(3);
    expect(clock.waits).toEqual([1_000, 3_000]);
  });

  it('reports the failure after three tries, with nothing left connected', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    device.failNextConnections(3);
    const bluetooth = new FakeBluetooth(device);
    const { controller } = createController(bluetooth);
    // Act
    await controller.connectBluetooth();
    // Assess
    expect(controller.snapshot).toMatchObject({ status: 'idle', sourceKind: null });
    expect(controller.snapshot.problem?.kind).toBe('connection-failed');
    expect(device.gatt.connectAttempts).toBe(3);
    expect(bluetooth.prompts).toBe(1);
  });

  it('does not retry when the device has no heart-rate service', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    device.characteristics.delete('heart_rate');
    const { controller, clock } = createController(new FakeBluetooth(device));
    // Act
    await controller.connectBluetooth();
    // Assess
    expect(controller.snapshot.problem?.kind).toBe('no-heart-rate-service');
    expect(device.gatt.connectAttempts).toBe(1);
    expect(clock.waits).toEqual([]);
  });
});

describe('SensorController: link loss', () => {
  it('reconnects with growing waits, without a new chooser, and keeps forwarding readings', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    const bluetooth = new FakeBluetooth(device);
    const { controller, clock } = createController(bluetooth);
    const readings = recordReadings(controller);
    await controller.connectBluetooth();
    const snapshots = recordSnapshots(controller);
    device.failNextConnections(3);
    // Act
    device.loseLink();
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.status).toBe('live'));
    expect(statusesOf(snapshots)).toEqual(['reconnecting', 'live']);
    // Full jitter with random() = 0.5: half of 500, 1000 and 2000 ms.
    expect(clock.waits).toEqual([250, 500, 1_000]);
    expect(bluetooth.prompts).toBe(1);
    device.heartRate.notify([0x00, 90]);
    expect(readings.map((r) => r.reading.bpm)).toEqual([90]);
  });

  it('gives up after five minutes of failed tries, and one tap reconnects', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    const { controller, clock } = createController(new FakeBluetooth(device));
    await controller.connectBluetooth();
    device.failNextConnections(10_000);
    // Act
    device.loseLink();
    await vi.waitFor(() => expect(controller.snapshot.status).toBe('lost'));
    // Assess
    expect(controller.snapshot.problem?.kind).toBe('connection-failed');
    expect(clock.time - T0).toBeGreaterThanOrEqual(5 * 60_000);
    expect(Math.max(...clock.waits)).toBe(15_000); // the 30 s cap, halved by random() = 0.5
    device.gatt.connectFailures.length = 0;
    await controller.retry();
    expect(controller.snapshot).toMatchObject({ status: 'live', problem: null });
  });

  it('stops for good when stopped while waiting to reconnect', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    const { controller, clock } = createController(new FakeBluetooth(device));
    const readings = recordReadings(controller);
    await controller.connectBluetooth();
    clock.mode = 'held';
    device.failNextConnections(1);
    device.loseLink();
    await vi.waitFor(() => expect(clock.heldWaits).toBe(1));
    const attempts = device.gatt.connectAttempts;
    // Act
    await controller.stop();
    clock.release();
    await settle();
    // Assess
    expect(device.gatt.connectAttempts).toBe(attempts);
    expect(controller.snapshot).toMatchObject({ status: 'idle', sourceKind: null, problem: null });
    expect(clock.tickers).toBe(0);
    device.heartRate.notify([0x00, 80]);
    expect(readings).toEqual([]);
  });

  it.each(['reject', 'throw'] as const)(
    'never surfaces stopNotifications() failing after a disconnect (%s)',
    async (behaviour) => {
      // Prepare
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      const device = new FakeHeartRateDevice();
      const { controller, clock } = createController(new FakeBluetooth(device));
      await controller.connectBluetooth();
      clock.mode = 'held';
      device.failNextConnections(1);
      device.heartRate.stopNotificationsBehaviour = behaviour;
      device.loseLink();
      await vi.waitFor(() => expect(clock.heldWaits).toBe(1));
      try {
        // Act
        await controller.stop();
        await settle();
        // Assess
        expect(controller.snapshot).toMatchObject({ status: 'idle', sourceKind: null, problem: null });
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    },
  );
});

describe('SensorController: remembered devices', () => {
  it('offers the sensor paired before a reload by its name, and reconnects it with one tap', async () => {
    // Prepare: pair once, then "reload": a new controller, the same storage, a browser that forgot the name
    const before = new FakeHeartRateDevice({ id: 'strap', name: 'Polar H10' });
    const first = createController(new FakeBluetooth(before));
    await first.controller.connectBluetooth();
    await first.controller.stop();
    const after = new FakeHeartRateDevice({ id: 'strap', name: '' });
    const bluetooth = new FakeBluetooth(after, [after]);
    const { controller } = createController(bluetooth, { names: first.names });
    await controller.loadRemembered();
    expect(controller.snapshot.remembered).toEqual([{ id: 'strap', name: 'Polar H10' }]);
    // Act
    await controller.reconnectRemembered('strap');
    // Assess
    expect(controller.snapshot).toMatchObject({ status: 'live', deviceName: 'Polar H10', problem: null });
    expect(bluetooth.prompts).toBe(0);
  });

  it('says which sensor it could not reach when the tap no longer counts as a gesture', async () => {
    // Prepare: out of range, and this browser cannot watch advertisements
    const device = new FakeHeartRateDevice({ id: 'strap', name: 'Polar H10' });
    device.failNextConnections(6);
    const bluetooth = new FakeBluetooth(device, [device]);
    const { controller } = createController(bluetooth, { userGesture: false });
    await controller.loadRemembered();
    // Act
    await controller.reconnectRemembered('strap');
    // Assess
    expect(controller.snapshot.problem?.message).toMatch(/Could not reach Polar H10/);
    expect(controller.snapshot.sourceKind).toBeNull();
    expect(bluetooth.prompts).toBe(0);
    expect(device.gatt.connectAttempts).toBe(1);
  });

  it('opens the chooser at once when the remembered sensor is out of reach and the tap still counts', async () => {
    // Prepare: the remembered strap is out of range; the person is wearing another one
    const remembered = new FakeHeartRateDevice({ id: 'old-strap', name: 'Polar H10' });
    remembered.failNextConnections(6);
    const other = new FakeHeartRateDevice({ id: 'new-strap', name: 'Wahoo TICKR' });
    const bluetooth = new FakeBluetooth(other, [remembered]);
    const { controller, clock } = createController(bluetooth, { userGesture: true });
    await controller.loadRemembered();
    // Act
    await controller.reconnectRemembered('old-strap');
    // Assess: no retry waits ate into the tap's user activation before the chooser opened
    expect(clock.waits).toEqual([]);
    expect(bluetooth.prompts).toBe(1);
    expect(controller.snapshot).toMatchObject({ status: 'live', deviceName: 'Wahoo TICKR', problem: null });
  });
});

describe('SensorController: demo sensor', () => {
  it('labels the demo, forwards its readings, and replaces a paired strap', async () => {
    // Prepare
    const device = new FakeHeartRateDevice();
    const { controller, clock } = createController(new FakeBluetooth(device));
    const readings = recordReadings(controller);
    await controller.connectBluetooth();
    // Act
    await controller.startDemo();
    for (let second = 0; second < 3; second += 1) clock.advance(1_000);
    // Assess
    expect(controller.snapshot).toMatchObject({ status: 'live', sourceKind: 'demo', deviceName: 'Demo sensor' });
    expect(readings).toHaveLength(3);
    expect(device.gatt.connected).toBe(false);
    device.heartRate.notify([0x00, 200]);
    expect(readings).toHaveLength(3);
    await controller.stop();
    clock.advance(1_000);
    expect(readings).toHaveLength(3);
    expect(controller.snapshot).toMatchObject({ status: 'idle', sourceKind: null });
  });
});

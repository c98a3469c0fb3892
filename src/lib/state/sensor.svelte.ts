import type { RememberedSensor, SensorController, SensorSnapshot } from '../sensor/sensor-controller.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';

/** The sensor link as the person sees it: a rune mirror of the framework-free SensorController. */
export class SensorState {
  snapshot = $state.raw<SensorSnapshot>() as SensorSnapshot;
  readonly status = $derived(this.snapshot.status);
  readonly problem = $derived(this.snapshot.problem);
  readonly sourceKind = $derived(this.snapshot.sourceKind);
  readonly deviceName = $derived(this.snapshot.deviceName);
  readonly batteryPercent = $derived(this.snapshot.batteryPercent);
  readonly packetErrors = $derived(this.snapshot.packetErrors);
  readonly choosing = $derived(this.snapshot.choosing);
  readonly liveness = $derived(this.snapshot.liveness);
  readonly secondsSinceReading = $derived(this.snapshot.secondsSinceReading);
  readonly remembered = $derived<readonly RememberedSensor[]>(this.snapshot.remembered);

  constructor(private readonly controller: SensorController) {
    this.snapshot = controller.snapshot;
    controller.subscribe((snapshot) => (this.snapshot = snapshot));
  }

  onReading(fn: (r: TimedReading) => void): () => void {
    return this.controller.onReading(fn);
  }

  loadRemembered(): Promise<void> {
    return this.controller.loadRemembered();
  }

  /** Opens the chooser; call from a click handler. */
  connectBluetooth(): Promise<void> {
    return this.controller.connectBluetooth();
  }

  reconnectRemembered(id: string): Promise<void> {
    return this.controller.reconnectRemembered(id);
  }

  startDemo(): Promise<void> {
    return this.controller.startDemo();
  }

  /** Manual retry once the automatic reconnect gave up. */
  retry(): Promise<void> {
    return this.controller.retry();
  }

  stop(): Promise<void> {
    return this.controller.stop();
  }
}

import type { AlertSettings } from '../../core/alert-rules.ts';
import { safeLocalStorage } from '../safe-local-storage.ts';
import { BrowserAlertOutputs, type OutputStates } from '../viewer/browser-alert-outputs.ts';
import { createOwnAlertStore } from '../viewer/own-alert-settings.ts';
import { ViewerAlerts, type ViewerAlertsSnapshot } from '../viewer/viewer-alerts.ts';
import type { ViewerController } from '../viewer/viewer-controller.ts';

/** The viewer page's alerts as the components read them: a rune mirror of ViewerAlerts and the browser's outputs. */
export class ViewerAlertsState {
  private readonly controller: ViewerAlerts;
  readonly outputs = new BrowserAlertOutputs();

  private snapshot = $state.raw<ViewerAlertsSnapshot>() as ViewerAlertsSnapshot;
  private outputStates = $state.raw<OutputStates>() as OutputStates;

  readonly shared = $derived(this.snapshot.shared);
  readonly sharedRules = $derived(this.snapshot.sharedRules);
  readonly active = $derived(this.snapshot.active);
  readonly recent = $derived(this.snapshot.recent);
  readonly own = $derived(this.snapshot.own);
  readonly halt = $derived(this.snapshot.halt);
  readonly sound = $derived(this.outputStates.sound);
  readonly notify = $derived(this.outputStates.notify);
  readonly canVibrate = $derived(this.outputStates.canVibrate);

  constructor(viewer: Pick<ViewerController, 'snapshot' | 'subscribe' | 'onReadings'>) {
    this.controller = new ViewerAlerts({
      viewer,
      outputs: this.outputs,
      store: createOwnAlertStore(safeLocalStorage()),
      now: () => Date.now(),
      every: (ms, fn) => {
        const id = setInterval(fn, ms);
        return () => clearInterval(id);
      },
    });
    this.snapshot = this.controller.snapshot;
    this.outputStates = this.outputs.snapshot;
    this.controller.subscribe((snapshot) => (this.snapshot = snapshot));
    this.outputs.subscribe((states) => (this.outputStates = states));
  }

  start(): void {
    this.controller.start();
  }

  stop(): void {
    this.controller.stop();
  }

  setOwn(settings: AlertSettings): void {
    this.controller.setOwn(settings);
  }
}

import type { AlertController, AlertSnapshot } from '../alerts/alert-controller.ts';
import type { AlertPreferences } from '../alerts/alert-preferences.ts';
import type { AlerterSnapshot, BrowserAlerter } from '../alerts/browser-alerter.ts';

/** Alerts as the person sees them: a rune mirror of the AlertController and of how alerts reach them. */
export class AlertsState {
  snapshot = $state.raw<AlertSnapshot>() as AlertSnapshot;
  outputs = $state.raw<AlerterSnapshot>() as AlerterSnapshot;
  readonly preferences = $derived(this.snapshot.preferences);
  readonly banner = $derived(this.snapshot.banner);
  readonly log = $derived(this.snapshot.log);
  readonly snoozedUntil = $derived(this.snapshot.snoozedUntil);

  constructor(
    private readonly controller: AlertController,
    private readonly alerter: BrowserAlerter,
  ) {
    this.snapshot = controller.snapshot;
    this.outputs = alerter.snapshot;
    controller.subscribe((snapshot) => (this.snapshot = snapshot));
    alerter.subscribe((outputs) => (this.outputs = outputs));
  }

  /** Returns why the preferences were refused, or null once they are saved. */
  setPreferences(preferences: AlertPreferences): string | null {
    return this.controller.setPreferences(preferences);
  }

  snooze(minutes: number): void {
    this.controller.snooze(minutes);
  }

  resume(): void {
    this.controller.resume();
  }

  dismiss(ruleId: string): void {
    this.controller.dismiss(ruleId);
  }

  /** Call from a tap. */
  enableSound(): Promise<void> {
    return this.alerter.enableSound();
  }

  disableSound(): void {
    this.alerter.disableSound();
  }

  /** Call from a tap: the only place notification permission is asked. */
  enableNotifications(): Promise<void> {
    return this.alerter.enableNotifications();
  }

  disableNotifications(): void {
    this.alerter.disableNotifications();
  }
}

// The browser's ways of reaching a viewer: Web Audio, vibration, system notifications. Each starts off and is
// turned on by the viewer (browsers allow sound only after a tap, and notification permission is asked only
// when the viewer turns notifications on), and each says whether it actually happened, so the page never
// claims a sound or a notification that did not reach anyone.
import type { AlertOutputs } from './viewer-alerts.ts';

/** off: not turned on; on: the audio context runs; blocked: the browser refused or suspended it. */
export type SoundState = 'off' | 'on' | 'blocked';
/** unsupported: no Notification API here; denied: the viewer or the browser refused permission. */
export type NotifyState = 'off' | 'on' | 'denied' | 'unsupported';

export interface OutputStates {
  sound: SoundState;
  notify: NotifyState;
  canVibrate: boolean;
}

export class BrowserAlertOutputs implements AlertOutputs {
  private context: AudioContext | null = null;
  private states: OutputStates = {
    sound: 'off',
    notify: typeof Notification === 'undefined' ? 'unsupported' : 'off',
    canVibrate: typeof navigator.vibrate === 'function',
  };
  private readonly listeners = new Set<(states: OutputStates) => void>();

  get snapshot(): OutputStates {
    return this.states;
  }

  subscribe(listener: (states: OutputStates) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Must run inside the viewer's tap: browsers start audio only from a user gesture. */
  async enableSound(): Promise<void> {
    try {
      this.context ??= new AudioContext();
      await this.context.resume();
      this.set({ sound: this.context.state === 'running' ? 'on' : 'blocked' });
      // A short tone now: the viewer hears that sound works, at the moment they chose it.
      if (this.states.sound === 'on') this.tone();
    } catch {
      this.set({ sound: 'blocked' });
    }
  }

  disableSound(): void {
    void this.context?.suspend();
    this.set({ sound: 'off' });
  }

  async enableNotifications(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    const permission = Notification.permission === 'default' ? await Notification.requestPermission() : Notification.permission;
    this.set({ notify: permission === 'granted' ? 'on' : 'denied' });
  }

  disableNotifications(): void {
    if (this.states.notify === 'on') this.set({ notify: 'off' });
  }

  sound(): boolean {
    if (this.states.sound !== 'on' || this.context === null) return false;
    if (this.context.state !== 'running') {
      // Suspended behind the viewer's back (a hidden tab, a phone call): say so rather than stay "on".
      this.set({ sound: 'blocked' });
      return false;
    }
    this.tone();
    return true;
  }

  vibrate(): boolean {
    return this.states.canVibrate && navigator.vibrate([300, 150, 300]);
  }

  notify(title: string, body: string): boolean {
    if (this.states.notify !== 'on' || document.visibilityState !== 'hidden') return false;
    if (Notification.permission !== 'granted') {
      this.set({ notify: 'denied' });
      return false;
    }
    try {
      new Notification(title, { body, tag: 'liveheartrate-alert' });
      return true;
    } catch {
      // Android Chrome allows notifications only through a service worker registration.
      void navigator.serviceWorker?.ready.then((registration) => registration.showNotification(title, { body, tag: 'liveheartrate-alert' }));
      return true;
    }
  }

  /** Two short beeps, loud enough to notice, short enough not to startle. */
  private tone(): void {
    const ctx = this.context;
    if (ctx === null) return;
    for (const [start, frequency] of [[0, 880], [0.25, 660]] as const) {
      const oscillator = ctx.createOscillator();
      const gain = ctx.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.3, ctx.currentTime + start);
      gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + start + 0.2);
      oscillator.connect(gain).connect(ctx.destination);
      oscillator.start(ctx.currentTime + start);
      oscillator.stop(ctx.currentTime + start + 0.2);
    }
  }

  private set(patch: Partial<OutputStates>): void {
    this.states = { ...this.states, ...patch };
    for (const listener of this.listeners) listener(this.states);
  }
}

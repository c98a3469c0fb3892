// How a fired alert reaches the person beyond the banner: a sound (Web Audio, only after they enabled it with a
// tap, since browsers keep audio silent until a gesture), a vibration where the device has one, and a system
// notification while the page is hidden (permission asked only when they turn notifications on). Each says
// plainly when it is off, blocked or not available, so the app never implies an alert was heard or shown when
// it was not.
import { StatusStore } from '../uplink/status-store.ts';
import type { BannerAlert } from './alert-controller.ts';
import { clockTime } from '../clock-time.ts';

export interface AlerterSnapshot {
  /** blocked: the person turned sound on, but the browser has not let this page play yet (it needs a tap). */
  sound: 'off' | 'on' | 'blocked' | 'unavailable';
  vibration: 'available' | 'unavailable';
  /** denied: the browser (or the person) refused permission; only the browser's site settings can undo that. */
  notifications: 'off' | 'on' | 'denied' | 'unavailable' | 'failed';
}

const PREFERENCE_KEY = 'liveheartrate.alertOutputs';
const VIBRATION_MS = [400, 200, 400];

interface Wishes {
  sound: boolean;
  notifications: boolean;
}

export class BrowserAlerter {
  private readonly status: StatusStore<AlerterSnapshot>;
  private audio: AudioContext | null = null;
  private wishes: Wishes;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null) {
    this.wishes = readWishes(storage);
    const notifications = typeof Notification === 'undefined' ? 'unavailable' : Notification.permission === 'denied' ? 'denied' : this.wishes.notifications && Notification.permission === 'granted' ? 'on' : 'off';
    this.status = new StatusStore<AlerterSnapshot>({
      // Wanted on an earlier visit: the page still needs a tap before it may play.
      sound: typeof AudioContext === 'undefined' ? 'unavailable' : this.wishes.sound ? 'blocked' : 'off',
      vibration: typeof navigator.vibrate === 'function' ? 'available' : 'unavailable',
      notifications,
    });
  }

  get snapshot(): AlerterSnapshot {
    return this.status.snapshot;
  }

  subscribe(listener: (snapshot: AlerterSnapshot) => void): () => void {
    return this.status.subscribe(listener);
  }

  /** Call from a tap: creates or resumes the audio context and plays a short test tone. */
  async enableSound(): Promise<void> {
    if (typeof AudioContext === 'undefined') return;
    this.remember({ sound: true });
    try {
      this.audio ??= new AudioContext();
      await this.audio.resume();
    } catch {
      // Left as blocked below.
    }
    const running = this.audio?.state === 'running';
    this.status.update({ sound: running ? 'on' : 'blocked' });
    if (running) this.beep(1);
  }

  disableSound(): void {
    this.remember({ sound: false });
    if (this.snapshot.sound !== 'unavailable') this.status.update({ sound: 'off' });
  }

  /** Call from a tap: asks for permission (the only place the app does) and says if it was refused. */
  async enableNotifications(): Promise<void> {
    if (typeof Notification === 'undefined') return;
    let permission: NotificationPermission;
    try {
      permission = await Notification.requestPermission();
    } catch {
      permission = 'denied';
    }
    this.remember({ notifications: permission === 'granted' });
    this.status.update({ notifications: permission === 'granted' ? 'on' : permission === 'denied' ? 'denied' : 'off' });
  }

  disableNotifications(): void {
    this.remember({ notifications: false });
    if (this.snapshot.notifications === 'on' || this.snapshot.notifications === 'failed') this.status.update({ notifications: 'off' });
  }

  /** A fired alert: sound, vibration, and a notification if the page is hidden. */
  signal(alert: BannerAlert): void {
    if (this.snapshot.sound === 'on') {
      if (this.audio?.state === 'running') this.beep(3);
      else this.status.update({ sound: 'blocked' });
    }
    if (this.snapshot.vibration === 'available') navigator.vibrate(VIBRATION_MS);
    if (this.snapshot.notifications === 'on' && document.visibilityState === 'hidden') void this.notify(alert);
  }

  private async notify(alert: BannerAlert): Promise<void> {
    const title = alert.value === null ? alert.title : `${alert.title}: ${alert.value} bpm`;
    const options: NotificationOptions = { body: `${clockTime(alert.firedAt)}, ${alert.rule}`, tag: `alert-${alert.ruleId}`, requireInteraction: true };
    try {
      // An installed app on Android can only notify through its service worker; elsewhere a page may directly.
      const registration = await navigator.serviceWorker?.getRegistration();
      if (registration) await registration.showNotification(title, options);
      else new Notification(title, options);
    } catch {
      this.status.update({ notifications: 'failed' });
    }
  }

  /** `count` short tones at 880 Hz: loud enough to notice, short enough not to startle. */
  private beep(count: number): void {
    const audio = this.audio;
    if (!audio) return;
    for (let i = 0; i < count; i++) {
      const start = audio.currentTime + i * 0.35;
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.5, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
      tone.connect(gain).connect(audio.destination);
      tone.start(start);
      tone.stop(start + 0.3);
    }
  }

  private remember(change: Partial<Wishes>): void {
    this.wishes = { ...this.wishes, ...change };
    try {
      this.storage?.setItem(PREFERENCE_KEY, JSON.stringify(this.wishes));
    } catch {
      // Holds for this page.
    }
  }
}

function readWishes(storage: Pick<Storage, 'getItem'> | null): Wishes {
  try {
    const o = JSON.parse(storage?.getItem(PREFERENCE_KEY) ?? 'null') as Partial<Wishes> | null;
    return { sound: o?.sound === true, notifications: o?.notifications === true };
  } catch {
    return { sound: false, notifications: false };
  }
}

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BannerAlert } from '../../../src/lib/alerts/alert-controller.ts';
import { BrowserAlerter } from '../../../src/lib/alerts/browser-alerter.ts';

const ALERT: BannerAlert = { ruleId: 'high', kind: 'high', title: 'High heart rate', rule: 'above 150 bpm', value: 163, firedAt: Date.UTC(2026, 10, 28, 12), clearedAt: null };

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

/** Web Audio as far as the alerter uses it: counts the tones it starts. */
class FakeAudioContext {
  static tones = 0;
  /** What resume() leaves: a page without a tap stays suspended. */
  static allowed = true;
  state: 'suspended' | 'running' = 'suspended';
  currentTime = 0;
  destination = {};
  resume(): Promise<void> {
    if (FakeAudioContext.allowed) this.state = 'running';
    return Promise.resolve();
  }
  createOscillator(): object {
    return { frequency: {}, connect: (node: object) => node, start: () => (FakeAudioContext.tones += 1), stop: () => {} };
  }
  createGain(): object {
    return { gain: { setValueAtTime: () => {}, exponentialRampToValueAtTime: () => {} }, connect: (node: object) => node };
  }
}

interface Browser {
  permission: NotificationPermission;
  answer: NotificationPermission;
  hidden: boolean;
  shown: string[];
  vibrations: number;
}

function stubBrowser(opts: Partial<Browser> = {}): Browser {
  const browser: Browser = { permission: 'default', answer: 'granted', hidden: false, shown: [], vibrations: 0, ...opts };
  FakeAudioContext.tones = 0;
  FakeAudioContext.allowed = true;
  vi.stubGlobal('AudioContext', FakeAudioContext);
  vi.stubGlobal(
    'Notification',
    Object.assign(
      function Notification(title: string) {
        browser.shown.push(title);
      },
      {
        get permission() {
          return browser.permission;
        },
        requestPermission: () => {
          browser.permission = browser.answer;
          return Promise.resolve(browser.answer);
        },
      },
    ),
  );
  vi.stubGlobal('navigator', { vibrate: () => (browser.vibrations += 1) });
  vi.stubGlobal('document', {
    get visibilityState() {
      return browser.hidden ? 'hidden' : 'visible';
    },
  });
  return browser;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('BrowserAlerter', () => {
  it('plays a sound only after the person turned it on, and says it is blocked after a reload until they tap again', async () => {
    // Prepare
    stubBrowser();
    const storage = new MemoryStorage();
    const alerter = new BrowserAlerter(storage);
    alerter.signal(ALERT);
    const silent = FakeAudioContext.tones;
    // Act
    await alerter.enableSound();
    const afterTap = FakeAudioContext.tones;
    alerter.signal(ALERT);
    const reloaded = new BrowserAlerter(storage);
    // Assess
    expect(silent).toBe(0);
    expect(afterTap).toBe(1);
    expect(FakeAudioContext.tones).toBe(4);
    expect(alerter.snapshot.sound).toBe('on');
    expect(reloaded.snapshot.sound).toBe('blocked');
  });

  it('says sound is blocked when the browser keeps the page silent', async () => {
    // Prepare
    stubBrowser();
    FakeAudioContext.allowed = false;
    const alerter = new BrowserAlerter(new MemoryStorage());
    // Act
    await alerter.enableSound();
    alerter.signal(ALERT);
    // Assess
    expect(alerter.snapshot.sound).toBe('blocked');
    expect(FakeAudioContext.tones).toBe(0);
  });

  it('asks for notification permission only when turned on, and notifies only while the page is hidden', async () => {
    // Prepare
    const browser = stubBrowser();
    const alerter = new BrowserAlerter(new MemoryStorage());
    alerter.signal(ALERT);
    const askedBefore = browser.permission;
    // Act
    await alerter.enableNotifications();
    alerter.signal(ALERT);
    browser.hidden = true;
    alerter.signal(ALERT);
    await vi.waitFor(() => expect(browser.shown).toHaveLength(1));
    // Assess
    expect(askedBefore).toBe('default');
    expect(alerter.snapshot.notifications).toBe('on');
    expect(browser.shown).toEqual(['High heart rate: 163 bpm']);
    expect(browser.vibrations).toBe(3);
  });

  it('says so when notification permission is refused, and shows none', async () => {
    // Prepare
    const browser = stubBrowser({ answer: 'denied', hidden: true });
    const alerter = new BrowserAlerter(new MemoryStorage());
    // Act
    await alerter.enableNotifications();
    alerter.signal(ALERT);
    // Assess
    expect(alerter.snapshot.notifications).toBe('denied');
    expect(browser.shown).toEqual([]);
  });

  it('says vibration is unavailable where the browser has none', () => {
    // Prepare
    stubBrowser();
    vi.stubGlobal('navigator', {});
    // Act
    const alerter = new BrowserAlerter(null);
    alerter.signal(ALERT);
    // Assess
    expect(alerter.snapshot.vibration).toBe('unavailable');
  });
});

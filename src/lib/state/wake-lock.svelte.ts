/**
 * Keeps the screen on while a session is live. The browser drops the lock whenever the page is hidden and
 * refuses it while hidden, so it is taken again each time the page becomes visible.
 */
export class ScreenWakeLock {
  readonly supported = typeof navigator !== 'undefined' && 'wakeLock' in navigator;
  held = $state(false);
  private wanted = false;
  private sentinel: WakeLockSentinel | null = null;

  constructor() {
    if (typeof document !== 'undefined') document.addEventListener('visibilitychange', this.onVisibility);
  }

  async keepOn(): Promise<void> {
    this.wanted = true;
    await this.acquire();
  }

  async allowSleep(): Promise<void> {
    this.wanted = false;
    const sentinel = this.sentinel;
    this.sentinel = null;
    this.held = false;
    await sentinel?.release().catch(() => undefined);
  }

  private async acquire(): Promise<void> {
    if (!this.supported || this.sentinel || document.visibilityState !== 'visible') return;
    try {
      const sentinel = await navigator.wakeLock.request('screen');
      this.sentinel = sentinel;
      this.held = true;
      sentinel.addEventListener('release', () => {
        if (this.sentinel === sentinel) this.sentinel = null;
        this.held = false;
      });
    } catch {
      // Refused (battery saver, permissions policy): the UI tells the person to keep the screen on.
      this.held = false;
    }
  }

  private readonly onVisibility = (): void => {
    if (this.wanted && document.visibilityState === 'visible') void this.acquire();
  };
}

import { Workbox } from 'workbox-window';

/** Registers the service worker and offers a reload when a new version is waiting. */
export class PwaUpdate {
  updateReady = $state(false);
  offlineReady = $state(false);
  private workbox: Workbox | null = null;

  /** `onFailure` hears why registering failed (in LAN mode, a SecurityError may mean an untrusted certificate). */
  register(scriptUrl: string, onFailure: (error: unknown) => void): void {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    const wb = new Workbox(scriptUrl);
    wb.addEventListener('waiting', () => (this.updateReady = true));
    wb.addEventListener('activated', (event) => {
      if (!event.isUpdate) this.offlineReady = true;
    });
    this.workbox = wb;
    wb.register().catch((error: unknown) => {
      console.warn('service worker not registered:', error instanceof Error ? error.message : error);
      onFailure(error);
    });
  }

  /** Activates the waiting version and reloads into it. */
  apply(): void {
    const wb = this.workbox;
    if (!wb) return;
    wb.addEventListener('controlling', () => window.location.reload());
    wb.messageSkipWaiting();
  }

  dismiss(): void {
    this.updateReady = false;
  }
}

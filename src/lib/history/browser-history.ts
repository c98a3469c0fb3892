// The history wired to the browser: IndexedDB, the storage manager, a timer, and the page lifecycle. A hidden
// page may be frozen or killed without another event, so what is held is written the moment it is hidden.
import { HistoryController } from './history-controller.ts';
import { HistoryRecorder } from './history-recorder.ts';
import { HistoryStore } from './history-store.ts';

export interface BrowserHistory {
  recorder: HistoryRecorder;
  controller: HistoryController;
}

export function createBrowserHistory(maxHr: () => number): BrowserHistory {
  const store = new HistoryStore();
  const controller = new HistoryController(store, navigator.storage ?? null, (id) => recorder.forget(id));
  const recorder: HistoryRecorder = new HistoryRecorder({
    store,
    maxHr,
    newId: () => crypto.randomUUID(),
    every: (ms, tick) => {
      const timer = setInterval(tick, ms);
      return () => clearInterval(timer);
    },
    saved: (summary) => controller.sessionSaved(summary),
    failed: (error) => console.warn('History: readings not stored yet, trying again', error),
  });
  addEventListener('pagehide', () => void recorder.flush());
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void recorder.flush();
  });
  return { recorder, controller };
}

import 'fake-indexeddb/auto';
import type { TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';
import { HistoryStore } from '../../../src/lib/history/history-store.ts';

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

let dbCounter = 0;
const opened: HistoryStore[] = [];

/** A fresh database per test (fake-indexeddb is one global factory); closed by `closeStores`. */
export function openStore(): HistoryStore {
  dbCounter += 1;
  const store = new HistoryStore(`test-history-${process.pid}-${dbCounter}`);
  opened.push(store);
  return store;
}

export async function closeStores(): Promise<void> {
  await Promise.all(opened.splice(0).map((store) => store.close()));
}

/** `count` readings a second apart from `from`, bpm 60 + i % 120, with two RR intervals each. */
export function readings(count: number, from = T0): TimedReading[] {
  return Array.from({ length: count }, (_, i) => ({
    reading: { bpm: 60 + (i % 120), contact: 'detected' as const, rrMs: [800 + (i % 7), 810], energyKj: i },
    receivedAt: from + i * 1000,
  }));
}

/** A timer that ticks only when the test says so. */
export function manualTimer(): { every: (ms: number, tick: () => void) => () => void; tick: () => void; stopped: () => boolean } {
  let callback: (() => void) | null = null;
  let stopped = false;
  return {
    every: (_ms, tick) => {
      callback = tick;
      return () => {
        stopped = true;
      };
    },
    tick: () => callback?.(),
    stopped: () => stopped,
  };
}

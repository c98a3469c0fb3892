// Bench page (never part of the app bundle): the app's own history store, controller and components on the
// browser's real IndexedDB, seeded with 500 sessions and one of 8 hours at 1 Hz.
import '../../../src/app.css';
import { flushSync, mount, unmount } from 'svelte';
import HistoryPanel from '../../../src/components/HistoryPanel.svelte';
import SessionDetail from '../../../src/components/SessionDetail.svelte';
import { HistoryController } from '../../../src/lib/history/history-controller.ts';
import { HistoryStore } from '../../../src/lib/history/history-store.ts';
import { CHUNK_READINGS, toStoredChunk } from '../../../src/lib/history/session-chunk.ts';
import { addToSessionSummary, createSummary } from '../../../src/lib/history/session-summary.ts';
import { HistoryState } from '../../../src/lib/state/history.svelte.ts';
import type { TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';

declare global {
  interface Window {
    benchSeed(sessions: number, longReadings: number): Promise<string>;
    benchOpen(id: string): Promise<{ ms: number; points: number }>;
    benchList(): Promise<{ ms: number; items: number; more: string }>;
  }
}

const target = document.getElementById('app') as HTMLElement;
const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
const DAY = 86_400_000;

function reading(i: number, t: number): TimedReading {
  const bpm = 60 + Math.round(50 + 40 * Math.sin(i / 300));
  return { reading: { bpm, contact: 'detected', rrMs: [Math.round(60_000 / bpm)] }, receivedAt: t };
}

/** Saves a session as the recorder does: chunk by chunk, each with the summary so far. */
async function seedSession(store: HistoryStore, id: string, start: number, count: number): Promise<void> {
  const summary = createSummary(id, start, 190);
  for (let from = 0, index = 0; from < count; from += CHUNK_READINGS, index++) {
    const chunk = Array.from({ length: Math.min(CHUNK_READINGS, count - from) }, (_, j) => reading(from + j, start + (from + j) * 1000));
    for (const r of chunk) addToSessionSummary(summary, r);
    await store.save(summary, toStoredChunk(id, index, chunk));
  }
}

window.benchSeed = async (sessions, longReadings) => {
  const store = new HistoryStore();
  await store.deleteAll();
  const first = Date.now() - (sessions + 2) * DAY;
  for (let i = 0; i < sessions; i++) await seedSession(store, `short-${i}`, first + i * DAY, 1800);
  await seedSession(store, 'long', Date.now() - DAY, longReadings);
  await store.close();
  return 'long';
};

// Opening a session as the app does after a reload: a new connection, one read, the series built, the detail
// mounted and its chart drawn (the frame after mounting).
window.benchOpen = async (id) => {
  const store = new HistoryStore();
  const start = performance.now();
  const controller = new HistoryController(store, null);
  await controller.open(id);
  const loaded = controller.snapshot.opened;
  if (!loaded) throw new Error(`no session ${id}`);
  const view = mount(SessionDetail, { target, props: { loaded, maxHr: 190 } });
  flushSync();
  await nextFrame();
  const ms = performance.now() - start;
  const points = Number(target.querySelector<HTMLElement>('[data-testid="detail-chart"]')?.dataset['points']);
  await unmount(view);
  await store.close();
  return { ms, points };
};

// Showing the list: a new connection, every summary read, the panel mounted with its first page and painted.
window.benchList = async () => {
  const store = new HistoryStore();
  const start = performance.now();
  const controller = new HistoryController(store, navigator.storage);
  await controller.refresh();
  const view = mount(HistoryPanel, { target, props: { history: new HistoryState(controller), maxHr: 190 } });
  flushSync();
  await nextFrame();
  const ms = performance.now() - start;
  const items = target.querySelectorAll('[data-testid="history-item"]').length;
  const more = target.querySelector('button.more')?.textContent ?? '';
  await unmount(view);
  await store.close();
  return { ms, items, more };
};

/**
 * Opening an 8-hour session (28,800 readings with RR) and showing a list of 500 sessions, in headless Chromium
 * on the browser's real IndexedDB, through the app's own store, controller and components on a bench page.
 */
import { withBenchPage } from './bench-page.ts';

export interface HistoryBench {
  runs: number;
  readings: number;
  openMedianMs: number;
  openP95Ms: number;
  sessions: number;
  listMedianMs: number;
  listP95Ms: number;
}

const RUNS = 20;
const SESSIONS = 500;
const LONG_READINGS = 28_800;

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

export async function benchHistory(): Promise<HistoryBench> {
  return withBenchPage('tests/bench/history', { width: 1280, height: 900 }, async (page) => {
    await page.waitForFunction(() => typeof window.benchSeed === 'function');
    const id = await page.evaluate(([sessions, readings]) => window.benchSeed(sessions, readings), [SESSIONS, LONG_READINGS] as const);
    const open: number[] = [];
    const list: number[] = [];
    // The first run of each warms the JIT and is left out.
    for (let i = -1; i < RUNS; i++) {
      const opened = await page.evaluate((sessionId) => window.benchOpen(sessionId), id);
      if (opened.points !== LONG_READINGS) throw new Error(`opened ${opened.points} points`);
      const listed = await page.evaluate(() => window.benchList());
      // The panel draws the newest 50 and offers the rest behind a button.
      if (listed.items !== 50 || !listed.more.includes(`${SESSIONS + 1 - 50} more`)) throw new Error(`listed ${listed.items} sessions, ${listed.more}`);
      if (i >= 0) {
        open.push(opened.ms);
        list.push(listed.ms);
      }
    }
    open.sort((a, b) => a - b);
    list.sort((a, b) => a - b);
    return {
      runs: RUNS,
      readings: LONG_READINGS,
      openMedianMs: quantile(open, 0.5),
      openP95Ms: quantile(open, 0.95),
      sessions: SESSIONS + 1,
      listMedianMs: quantile(list, 0.5),
      listP95Ms: quantile(list, 0.95),
    };
  });
}

export function formatHistoryBench(b: HistoryBench): string {
  return [
    `open a ${b.readings.toLocaleString('en')}-reading session (load, build series, first chart draw), ${b.runs} runs: median ${b.openMedianMs.toFixed(1)} ms, p95 ${b.openP95Ms.toFixed(1)} ms (target ≤ 300 ms)`,
    `show the list of ${b.sessions} sessions (read all summaries, render the newest 50, paint), ${b.runs} runs: median ${b.listMedianMs.toFixed(1)} ms, p95 ${b.listP95Ms.toFixed(1)} ms (target ≤ 200 ms)`,
  ].join('\n');
}

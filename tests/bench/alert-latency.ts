/**
 * Shared alerts on the embedded stack, as a viewer sees them (docs/alerts.md): from the put of the reading that
 * crosses a shared threshold to the broadcaster's alert banner on a viewer page in headless Chromium, p50 / p95 /
 * max over fire/clear cycles; and "no data": from the put of the last reading to the banner, per run.
 * The banner's moment is taken in the page by a MutationObserver with Date.now(), the same clock as the put's
 * on this machine. Readings are put with the Node stream writer, as a broadcaster's uplink would.
 * Run alone: npx vite build && npx tsx tests/bench/alert-latency.ts [crossings] [no-data runs]
 */
import { chromium, type Page } from '@playwright/test';
import { pathToFileURL } from 'node:url';
import type { AlertRule } from '../../src/core/alert-rules.ts';
import { ALERT_CLOCK_INTERVAL_MS, type LocalStack } from '../../infra/local/local-stack.ts';
import { startBenchStack } from './bench-stack.ts';
import { chromiumPath, launchArgs } from '../e2e/support/browser.ts';
import { percentile } from '../e2e/support/latency-scenario.ts';
import { createTestBroadcast, type TestBroadcast } from '../e2e/support/stream-writer.ts';

export interface AlertLatencyBench {
  crossings: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  noDataS: number;
  /** Per run, ms from the put of the last reading to the banner. */
  noDataMs: number[];
  alertClockMs: number;
  pollIntervalMs: number;
}

const HIGH_BPM = 150;
// Above the threshold, and back below it by more than the margin, so each cycle fires and clears.
const ABOVE = 160;
const BELOW = 100;
const NO_DATA_S = 5;

export async function benchAlertLatency(options: { crossings?: number; noDataRuns?: number; pollIntervalMs?: number } = {}): Promise<AlertLatencyBench> {
  const crossings = options.crossings ?? 60;
  const noDataRuns = options.noDataRuns ?? 5;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const bench = await startBenchStack('alert-latency', { streamName: 'liveheartrate', streamOnDisk: false, pollIntervalMs, distDir: 'dist' });
  const { stack } = bench;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs] });
  try {
    const page = await (await browser.newContext()).newPage();
    // repeatAfterS 0: every crossing fires, so each cycle is one measurement.
    const high = await openViewer(page, stack, [{ id: 'high', kind: 'high', bpm: HIGH_BPM, forS: 0 }]);
    const crossingMs: number[] = [];
    for (let i = 0; i < crossings; i += 1) {
      const shown = await bannerCount(page);
      const putAt = Date.now();
      await high.send(ABOVE);
      crossingMs.push((await bannerShown(page, shown)) - putAt);
      await high.send(BELOW);
      await page.waitForSelector(BANNER, { state: 'detached' });
    }

    const silent = await openViewer(page, stack, [{ id: 'silent', kind: 'no-data', forS: NO_DATA_S }]);
    const noDataMs: number[] = [];
    for (let i = 0; i < noDataRuns; i += 1) {
      const shown = await bannerCount(page);
      const putAt = Date.now();
      await silent.send(70);
      noDataMs.push((await bannerShown(page, shown)) - putAt);
      await silent.send(71);
      await page.waitForSelector(BANNER, { state: 'detached' });
    }

    const sorted = [...crossingMs].sort((a, b) => a - b);
    return {
      crossings,
      p50Ms: percentile(sorted, 50),
      p95Ms: percentile(sorted, 95),
      maxMs: sorted.at(-1) ?? NaN,
      noDataS: NO_DATA_S,
      noDataMs,
      alertClockMs: ALERT_CLOCK_INTERVAL_MS,
      pollIntervalMs,
    };
  } finally {
    await browser.close();
    await bench.stop();
  }
}

const BANNER = '[data-testid="alert-banner"][data-source="broadcaster"]';

/** A new broadcast sharing `rules`, one reading in, followed by `page`, which counts each banner's appearance. */
async function openViewer(page: Page, stack: LocalStack, rules: AlertRule[]): Promise<TestBroadcast> {
  const broadcast = createTestBroadcast(stack.kinesisEndpoint);
  await broadcast.control({ alerts: { share: true, settings: { rules, hysteresisBpm: 3, repeatAfterS: 0 } } });
  await broadcast.send(BELOW);
  await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
  await page.getByTestId('shared-rules').waitFor();
  await page.evaluate((selector) => {
    const times: number[] = [];
    let present = document.querySelector(selector) !== null;
    new MutationObserver(() => {
      const now = document.querySelector(selector) !== null;
      if (now && !present) times.push(Date.now());
      present = now;
    }).observe(document.body, { childList: true, subtree: true });
    (window as unknown as { alertShownAt: number[] }).alertShownAt = times;
  }, BANNER);
  return broadcast;
}

function bannerCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { alertShownAt: number[] }).alertShownAt.length);
}

/** When the banner appeared after the first `before` appearances, by the page's Date.now(). */
async function bannerShown(page: Page, before: number): Promise<number> {
  await page.waitForFunction((n) => (window as unknown as { alertShownAt: number[] }).alertShownAt.length > n, before, { timeout: 60_000 });
  return page.evaluate((n) => (window as unknown as { alertShownAt: number[] }).alertShownAt[n] ?? NaN, before);
}

export function formatAlertLatencyBench(b: AlertLatencyBench): string {
  const runs = b.noDataMs.map((ms) => (ms / 1000).toFixed(2)).join(', ');
  return (
    `put of the crossing reading → broadcaster's alert on the viewer page, ${b.crossings} crossings (stream poll ${b.pollIntervalMs} ms): ` +
    `p50 ${b.p50Ms} ms, p95 ${b.p95Ms} ms, max ${b.maxMs} ms (target p95 ≤ 1000 ms)\n` +
    `"no data" for ${b.noDataS} s, put of the last reading → banner (alert clock every ${b.alertClockMs} ms): ${runs} s; ` +
    `max ${(Math.max(...b.noDataMs) / 1000).toFixed(2)} s (target ≤ ${b.noDataS + 2} s; in AWS, from the schedule, ≤ ${b.noDataS} s + 60 s + the clock's run + the viewer's 1 s poll)`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [crossings, noDataRuns] = process.argv.slice(2).map(Number);
  console.log(formatAlertLatencyBench(await benchAlertLatency({ ...(crossings ? { crossings } : {}), ...(noDataRuns ? { noDataRuns } : {}) })));
}

/**
 * End-to-end latency on the embedded pipeline (broadcaster page receives a notification → viewer page shows
 * it), p50 / p95 / max over a run of readings, in real Chromium with an emulated sensor.
 */
import { chromium } from '@playwright/test';
import { pathToFileURL } from 'node:url';
import { chromiumPath, launchArgs } from '../e2e/support/browser.ts';
import { EmulatedHeartRateSensor } from '../e2e/support/heart-rate-sensor.ts';
import { percentile, runLatencyScenario } from '../e2e/support/latency-scenario.ts';
import { startBenchStack } from './bench-stack.ts';

export interface LatencyBench {
  readings: number;
  intervalMs: number;
  pollIntervalMs: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
}

export async function benchLatency(options: { readings?: number; intervalMs?: number; pollIntervalMs?: number } = {}): Promise<LatencyBench> {
  const readings = options.readings ?? 300;
  const intervalMs = options.intervalMs ?? 250;
  const pollIntervalMs = options.pollIntervalMs ?? 50;
  const bench = await startBenchStack('latency', { streamName: 'liveheartrate', streamOnDisk: false, pollIntervalMs, distDir: 'dist' });
  const { stack } = bench;
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs] });
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const sensor = await EmulatedHeartRateSensor.attach(browser, context, page);
    try {
      const run = await runLatencyScenario({ browser, broadcaster: page, sensor, appUrl: stack.appUrl, apiUrl: stack.apiUrl, readings, intervalMs });
      if (run.latenciesMs.length !== readings) throw new Error(`only ${run.latenciesMs.length} of ${readings} readings were shown`);
      const sorted = [...run.latenciesMs].sort((a, b) => a - b);
      return { readings, intervalMs, pollIntervalMs, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95), maxMs: sorted.at(-1) ?? NaN };
    } finally {
      await sensor.detach();
    }
  } finally {
    await browser.close();
    await bench.stop();
  }
}

export function formatLatencyBench(b: LatencyBench): string {
  return (
    `sensor → viewer latency over ${b.readings} readings (one every ${b.intervalMs} ms, stream poll ${b.pollIntervalMs} ms): ` +
    `p50 ${b.p50Ms} ms, p95 ${b.p95Ms} ms, max ${b.maxMs} ms (target p95 ≤ 250 ms)`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatLatencyBench(await benchLatency()));
}

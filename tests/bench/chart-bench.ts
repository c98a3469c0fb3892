/**
 * Chart update cost with 86,400 points in the window, and JS heap growth across 28,800 readings (8 h),
 * measured in headless Chromium on a bench page built from the app's own modules.
 */
import { pathToFileURL } from 'node:url';
import { withBenchPage } from './bench-page.ts';

export interface ChartBench {
  chartUpdateMedianMs: number;
  chartUpdateP95Ms: number;
  points: number;
  heapGrowthMb: number;
  readings: number;
}

export async function benchChart(): Promise<ChartBench> {
  return withBenchPage('tests/bench/chart', { width: 900, height: 400 }, async (page) => {
    await page.waitForFunction(() => typeof window.benchChartUpdate === 'function');
    const update = await page.evaluate(() => window.benchChartUpdate(86_400, 100));

    const cdp = await page.context().newCDPSession(page);
    const heapUsed = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };
    await page.reload();
    await page.waitForFunction(() => typeof window.benchSession === 'function');
    await page.evaluate(() => window.benchSession(100, 100)); // warm up code paths
    const before = await heapUsed();
    const session = await page.evaluate(() => window.benchSession(28_800, 120));
    const after = await heapUsed();
    return {
      chartUpdateMedianMs: update.medianMs,
      chartUpdateP95Ms: update.p95Ms,
      points: update.points,
      heapGrowthMb: (after - before) / (1024 * 1024),
      readings: session.readings,
    };
  });
}

export function formatChartBench(b: ChartBench): string {
  return [
    `chart update, ${b.points.toLocaleString('en')} points in window: median ${b.chartUpdateMedianMs.toFixed(2)} ms, p95 ${b.chartUpdateP95Ms.toFixed(2)} ms (target ≤ 5 ms)`,
    `JS heap growth across ${b.readings.toLocaleString('en')} readings (8 h at 1 Hz): ${b.heapGrowthMb.toFixed(2)} MB (target ≤ 20 MB)`,
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatChartBench(await benchChart()));
}

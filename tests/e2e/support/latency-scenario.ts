/**
 * End-to-end latency on the embedded pipeline, as docs/architecture.md "Latency path" defines it: from the
 * moment the broadcaster page receives a notification (the record's `t`, taken in the page's Bluetooth
 * listener) to the moment the viewer page shows that reading (the viewer's `lhr:reading-shown` User Timing
 * mark). Shared by the browser test (which asserts correctness) and the benchmark (which prints the figures).
 */
import type { Browser, Page } from '@playwright/test';
import type { EmulatedHeartRateSensor } from './heart-rate-sensor.ts';

export interface LatencyRun {
  viewId: string;
  /** Sequence numbers in the order the viewer showed them. */
  shownOrder: number[];
  /** Per reading, ms from receipt on the broadcaster to shown on the viewer. */
  latenciesMs: number[];
  /** Readings the viewer's chart holds at the end. */
  chartPoints: number;
}

interface ShownMark {
  seqs: number[];
  shownAt: number;
}

export async function runLatencyScenario(opts: {
  browser: Browser;
  broadcaster: Page;
  sensor: EmulatedHeartRateSensor;
  appUrl: string;
  apiUrl: string;
  readings: number;
  intervalMs: number;
}): Promise<LatencyRun> {
  const { broadcaster, sensor } = opts;
  await broadcaster.goto(opts.appUrl);
  await broadcaster.getByRole('button', { name: 'Start broadcast' }).click();
  const link = await broadcaster.getByTestId('share-link').inputValue();
  const viewId = new URL(link).pathname.split('/').pop() ?? '';
  await broadcaster.getByRole('button', { name: 'Connect sensor' }).click();
  await sensor.waitForSubscription();

  const viewerContext = await opts.browser.newContext();
  try {
    const viewer = await viewerContext.newPage();
    await viewer.goto(`${opts.appUrl}/v/${viewId}`);
    await viewer.getByTestId('viewer-status').waitFor();

    for (let i = 0; i < opts.readings; i += 1) {
      const bpm = 60 + (i % 120);
      const started = Date.now();
      await sensor.notify([0x00, bpm]);
      const spent = Date.now() - started;
      if (spent < opts.intervalMs) await new Promise((resolve) => setTimeout(resolve, opts.intervalMs - spent));
    }
    await viewer.waitForFunction(
      (n) => performance.getEntriesByName('lhr:reading-shown').reduce((sum, m) => sum + ((m as PerformanceMark).detail as { seqs: number[] }).seqs.length, 0) >= n,
      opts.readings,
      { timeout: 30_000 },
    );
    const marks = await viewer.evaluate(() =>
      performance.getEntriesByName('lhr:reading-shown').map((m) => (m as PerformanceMark).detail as { seqs: number[]; shownAt: number }),
    );
    const chartPoints = Number(await viewer.getByTestId('chart').getAttribute('data-points'));
    const receivedAt = await readingTimes(opts.apiUrl, viewId, opts.readings);
    return { viewId, ...measure(marks, receivedAt), chartPoints };
  } finally {
    await viewerContext.close();
  }
}

async function readingTimes(apiUrl: string, viewId: string, expected: number): Promise<Map<number, number>> {
  const times = new Map<number, number>();
  let after = '0';
  for (;;) {
    const response = await fetch(`${apiUrl}/sessions/${viewId}/readings?after=${after}&limit=1000`);
    const body = (await response.json()) as { readings: { seq: number; t: number }[]; next: string; more: boolean };
    for (const r of body.readings) times.set(r.seq, r.t);
    after = body.next;
    if (!body.more || times.size >= expected) return times;
  }
}

function measure(marks: ShownMark[], receivedAt: Map<number, number>): Pick<LatencyRun, 'shownOrder' | 'latenciesMs'> {
  const shownOrder: number[] = [];
  const latenciesMs: number[] = [];
  for (const mark of marks) {
    for (const seq of mark.seqs) {
      shownOrder.push(seq);
      const t = receivedAt.get(seq);
      if (t !== undefined) latenciesMs.push(mark.shownAt - t);
    }
  }
  return { shownOrder, latenciesMs };
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

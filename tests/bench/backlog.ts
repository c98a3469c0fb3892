/**
 * Backlog drain: time from "back online" until a backlog of 3,600 readings (one hour offline) is acknowledged
 * by the local stream, in real Chromium on the built app (dist/, `npx vite build` first) against the embedded
 * local stack. Run: npx tsx tests/bench/backlog.ts
 *
 * The backlog is seeded into the page's own IndexedDB outbox with page.evaluate, in the app's record format
 * (the same toOutboxEntry the app uses); nothing test-only is in the bundle. The clock starts at the page's
 * `online` event and stops when the app shows no reading waiting, which it does only after the stream
 * acknowledged the last batch and the outbox deleted it. Every run is then checked against the stream:
 * exactly seq 0..3599 of the seeded session, once each.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-kinesis';
import { chromium, type Browser, type Page } from '@playwright/test';
import { createWriteKey, deriveViewId } from '../../src/core/session-key.ts';
import { readingToUplinkRecord } from '../../src/core/uplink-rules.ts';
import { OUTBOX_SCHEMA, toOutboxEntry, type NewOutboxEntry, type StoredSession } from '../../src/lib/uplink/outbox.ts';
import { createNodeKinesisClient } from '../../infra/local/kinesis-client.ts';
import { startLocalStack, type LocalStack } from '../../infra/local/local-stack.ts';
import { chromiumPath, launchArgs } from '../e2e/support/browser.ts';

export interface BacklogBenchOptions {
  readings?: number;
  runs?: number;
  distDir?: string;
}

export interface BacklogRun {
  /** From the page's `online` event to the app showing 0 waiting (all acknowledged, outbox empty). */
  drainMs: number;
  /** From Node's setOffline(false) call to seeing that in the page: includes CDP and polling overhead. */
  wallMs: number;
  recordsInStream: number;
}

export interface BacklogBench {
  readings: number;
  bytesPerRecord: number;
  runs: BacklogRun[];
  medianDrainMs: number;
  recordsPerSecond: number;
  machine: string;
  chromium: string;
}

const STREAM = 'liveheartrate';
const REGION = 'us-east-1';
const SHARD = 'shardId-000000000000';

declare global {
  interface Window {
    backlogBench?: { onlineAt: number | null; drainedAt: number | null };
  }
}

export async function benchBacklog(options: BacklogBenchOptions = {}): Promise<BacklogBench> {
  const readings = options.readings ?? 3_600;
  const runCount = options.runs ?? 5;
  const distDir = options.distDir ?? 'dist';
  if (!existsSync(join(distDir, 'index.html'))) throw new Error(`No built app in ${distDir}/: run "npx vite build" first.`);

  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs] });
    const runs: BacklogRun[] = [];
    let bytesPerRecord = 0;
    for (let run = 0; run < runCount; run++) {
      // A fresh stack per run: the stream proxy's write limit is per client address, and every run's page is
      // the same address, so a second backlog would start with the first one's allowance spent.
      const { result, entries } = await withFreshStack(distDir, (stack) => drainOnce(browser as Browser, stack, readings));
      runs.push(result);
      bytesPerRecord = Math.round(entries.reduce((sum, e) => sum + e.data.length, 0) / entries.length);
    }
    const sorted = runs.map((r) => r.drainMs).sort((a, b) => a - b);
    const medianDrainMs = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
    const cpu = cpus();
    return {
      readings,
      bytesPerRecord,
      runs,
      medianDrainMs,
      recordsPerSecond: Math.round(readings / (medianDrainMs / 1000)),
      machine: `${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
      chromium: browser.version(),
    };
  } finally {
    await browser?.close();
  }
}

async function withFreshStack<T>(distDir: string, use: (stack: LocalStack) => Promise<T>): Promise<T> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lhr-backlog-bench-'));
  const stack = await startLocalStack({ appPort: 0, kinesisPort: 0, streamName: STREAM, region: REGION, distDir, dataDir });
  try {
    return await use(stack);
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

export function formatBacklogBench(b: BacklogBench): string {
  const runs = b.runs.map((r) => `${r.drainMs.toFixed(0)}`).join(', ');
  return [
    `backlog of ${b.readings.toLocaleString('en')} readings (${b.bytesPerRecord} B each) drained after "back online":`,
    `  median ${b.medianDrainMs.toFixed(0)} ms (${b.recordsPerSecond.toLocaleString('en')} readings/s); runs: ${runs} ms; target ≤ 4000 ms (one shard's 1,000 records/s)`,
    `  wall time seen from Node (adds CDP round trips): ${b.runs.map((r) => r.wallMs.toFixed(0)).join(', ')} ms`,
    `  Chromium ${b.chromium}; ${b.machine}`,
  ].join('\n');
}

/** One fresh browser context: open the app, go offline, seed an hour of readings, come back online, time the drain. */
async function drainOnce(browser: Browser, stack: LocalStack, readings: number): Promise<{ result: BacklogRun; entries: NewOutboxEntry[] }> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(stack.appUrl);
    await page.getByTestId('uplink-status').and(page.locator(':not([data-phase="starting"])')).waitFor();
    // The stream client (config.json, SDK chunk) is loaded right after start; wait until it is.
    await page.waitForLoadState('networkidle');

    await context.setOffline(true);
    await page.locator('[data-testid="uplink-status"][data-phase="offline"]').waitFor();

    const { entries, session } = createBacklog(readings);
    await seedOutbox(page, entries, session);
    await installStopwatch(page);

    const wallStart = performance.now();
    await context.setOffline(false);
    await page.waitForFunction(() => window.backlogBench?.drainedAt != null, undefined, { polling: 'raf', timeout: 60_000 });
    const wallMs = performance.now() - wallStart;
    const timing = await page.evaluate(() => window.backlogBench);
    const drainMs = (timing?.drainedAt ?? Number.NaN) - (timing?.onlineAt ?? Number.NaN);

    const recordsInStream = await checkStream(stack, session.key, readings);
    return { result: { drainMs, wallMs, recordsInStream }, entries };
  } finally {
    await context.close();
  }
}

/** An hour of readings of one session, a second apart, ending now, with two RR intervals each. */
function createBacklog(readings: number): { entries: NewOutboxEntry[]; session: StoredSession } {
  const key = createWriteKey();
  const viewId = deriveViewId(key);
  const start = Date.now() - readings * 1000;
  const entries: NewOutboxEntry[] = [];
  for (let seq = 0; seq < readings; seq++) {
    const bpm = 70 + Math.round(40 * Math.sin(seq / 300));
    const rr = Math.round(60_000 / bpm);
    const reading = { bpm, contact: 'detected' as const, rrMs: [rr - 7, rr + 5] };
    entries.push(toOutboxEntry(readingToUplinkRecord(reading, key, seq, start + seq * 1000)));
  }
  return { entries, session: { key, viewId, nextSeq: readings, startedAt: start } };
}

async function seedOutbox(page: Page, entries: NewOutboxEntry[], session: StoredSession): Promise<void> {
  await page.evaluate(
    async ({ schema, entries, session }) => {
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(schema.dbName, schema.version);
        request.onupgradeneeded = () => reject(new Error('the app has not created its outbox database'));
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error ?? new Error('could not open the outbox database'));
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction([schema.entryStore, schema.metaStore], 'readwrite');
        for (const entry of entries) tx.objectStore(schema.entryStore).add(entry);
        tx.objectStore(schema.metaStore).put(session, schema.sessionKey);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('could not seed the outbox'));
      });
      db.close();
    },
    { schema: OUTBOX_SCHEMA, entries, session },
  );
}

/** Page-side timing: the `online` event starts it; the waiting count reaching 0 afterwards stops it. */
async function installStopwatch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { onlineAt: null as number | null, drainedAt: null as number | null };
    window.backlogBench = state;
    // Capture phase, so the clock starts before the app's own listener runs.
    window.addEventListener('online', () => (state.onlineAt = performance.now()), { capture: true, once: true });
    const waiting = document.querySelector('[data-testid="uplink-waiting"]');
    if (!waiting) throw new Error('no uplink-waiting element');
    const observer = new MutationObserver(() => {
      if (state.onlineAt !== null && waiting.getAttribute('data-count') === '0') {
        state.drainedAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(waiting, { attributes: true, attributeFilter: ['data-count'] });
  });
}

/** The stream must hold seq 0..readings-1 of the session exactly once each. */
async function checkStream(stack: LocalStack, key: string, readings: number): Promise<number> {
  const client = createNodeKinesisClient(stack.kinesisEndpoint, REGION);
  try {
    const { ShardIterator } = await client.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: SHARD, ShardIteratorType: 'TRIM_HORIZON' }));
    const seqs: number[] = [];
    let iterator = ShardIterator;
    for (;;) {
      const page = await client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
      for (const record of page.Records ?? []) {
        const parsed = JSON.parse(new TextDecoder().decode(record.Data)) as { key: string; seq: number };
        if (parsed.key === key) seqs.push(parsed.seq);
      }
      // kinesalite may report MillisBehindLatest 0 with more records to come: read until a page is empty.
      if ((page.Records ?? []).length === 0 || !page.NextShardIterator) break;
      iterator = page.NextShardIterator;
    }
    seqs.sort((a, b) => a - b);
    if (seqs.length !== readings || seqs.some((seq, i) => seq !== i)) {
      throw new Error(`stream holds ${seqs.length} records of the session, expected seq 0..${readings - 1} once each`);
    }
    return seqs.length;
  } finally {
    client.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatBacklogBench(await benchBacklog()));
}

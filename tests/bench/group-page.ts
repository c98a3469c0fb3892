/**
 * The group page's CPU cost (issue 13, "Scale"): 50 sessions at one reading a second put on the embedded stack's
 * stream, the group page following all of them in headless Chromium for a minute. Measured from Chromium itself,
 * two ways: the page's main-thread busy time (CDP Performance.getMetrics TaskDuration, delta over wall time), and
 * the CPU time of every Chromium process under the browser (renderers, GPU, utilities; /proc/<pid>/stat utime +
 * stime), as a percentage of one core. Target: under 10 %.
 */
import { chromium } from '@playwright/test';
import { readFile, readdir } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { chromiumPath, launchArgs } from '../e2e/support/browser.ts';
import { createTestBroadcast } from '../e2e/support/stream-writer.ts';
import { startBenchStack } from './bench-stack.ts';

export interface GroupPageBench {
  sessions: number;
  seconds: number;
  readingsPut: number;
  /** Page main thread busy time / wall time, % of one core. */
  mainThreadPercent: number;
  /** All Chromium processes below the browser process (not the browser process itself), % of one core. */
  childProcessesPercent: number;
  /** The browser process too. */
  allProcessesPercent: number;
}

// Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks.
const CLOCK_TICKS_PER_S = 100;

export async function benchGroupPage(options: { sessions?: number; seconds?: number } = {}): Promise<GroupPageBench> {
  const sessions = options.sessions ?? 50;
  const seconds = options.seconds ?? 60;
  const bench = await startBenchStack('group-page', { streamName: 'liveheartrate', streamOnDisk: false, distDir: 'dist' });
  const { stack } = bench;
  const server = await chromium.launchServer({ executablePath: chromiumPath(), args: [...launchArgs] });
  const browserPid = server.process().pid;
  if (browserPid === undefined) throw new Error('Chromium has no process id');
  const browser = await chromium.connect(server.wsEndpoint());
  const broadcasts = Array.from({ length: sessions }, () => createTestBroadcast(stack.kinesisEndpoint));
  let readingsPut = 0;
  let feeding = true;
  // One reading a second per session, all sessions each second, as a class on bikes would send them.
  const feeder = (async () => {
    for (let tick = 0; feeding; tick++) {
      const started = Date.now();
      await Promise.all(broadcasts.map((b, i) => b.send(100 + ((i * 7 + tick) % 60))));
      readingsPut += sessions;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 1000 - (Date.now() - started))));
    }
  })();
  try {
    await Promise.all(broadcasts.map((b, i) => b.control({ name: `Rider ${i + 1}`, maxHr: 180 + (i % 20) })));
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.appUrl}/g?v=${broadcasts.map((b) => b.viewId).join(',')}`);
    // Every tile showing a heart rate: the page is following all of them.
    await page.waitForFunction((n) => Array.from(document.querySelectorAll('[data-testid="tile-bpm"]')).filter((e) => e.textContent !== '—').length === n, sessions, { timeout: 60_000 });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const taskDuration = async (): Promise<number> => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    };
    const beforeTasks = await taskDuration();
    const beforeTicks = await chromiumTicks(browserPid);
    const beforeWall = performance.now();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    const wallS = (performance.now() - beforeWall) / 1000;
    const afterTasks = await taskDuration();
    const afterTicks = await chromiumTicks(browserPid);
    const percent = (ticks: number): number => round1((100 * ticks) / CLOCK_TICKS_PER_S / wallS);
    return {
      sessions,
      seconds: round1(wallS),
      readingsPut,
      mainThreadPercent: round1((100 * (afterTasks - beforeTasks)) / wallS),
      childProcessesPercent: percent(afterTicks.children - beforeTicks.children),
      allProcessesPercent: percent(afterTicks.children + afterTicks.browser - beforeTicks.children - beforeTicks.browser),
    };
  } finally {
    feeding = false;
    await feeder;
    await browser.close();
    await server.close();
    await bench.stop();
  }
}

/** CPU ticks (user + system) of the browser process and, summed, of every process below it. */
async function chromiumTicks(browserPid: number): Promise<{ browser: number; children: number }> {
  const stats = new Map<number, { ppid: number; ticks: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces: fields are counted after its closing one.
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended while the list was read.
    }
  }
  const below = (pid: number): boolean => {
    for (let p = stats.get(pid)?.ppid; p !== undefined && p > 1; p = stats.get(p)?.ppid) if (p === browserPid) return true;
    return false;
  };
  let children = 0;
  for (const [pid, s] of stats) if (below(pid)) children += s.ticks;
  return { browser: stats.get(browserPid)?.ticks ?? 0, children };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

export function formatGroupPageBench(b: GroupPageBench): string {
  return (
    `group page, ${b.sessions} sessions at 1 reading/s (${b.readingsPut} readings put), ${b.seconds} s measured in headless Chromium at 1280×900: ` +
    `page main thread ${b.mainThreadPercent} % of one core (CDP TaskDuration), Chromium processes below the browser ` +
    `${b.childProcessesPercent} %, with the browser process ${b.allProcessesPercent} % (/proc) (target < 10 %)`
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(formatGroupPageBench(await benchGroupPage()));
}

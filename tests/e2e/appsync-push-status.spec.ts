/**
 * A viewer on the AWS push channel whose session changes by time alone: it turns stale, then its link expires, and
 * nothing is pushed for either (in AWS nothing writes then). The real follow loop (ViewerController) with the real
 * AppSync client in Chromium, over a WebSocket to the AppSync Events stand-in, and the real live API (SQLite store)
 * on the page's own origin. The page's clock is Playwright's, moved forward; the live API's clock is moved with it.
 * Verified at the contract level only: no AppSync runs here.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createLiveApi } from '../../functions/live-api/live-api.ts';
import { silentLogger } from '../../functions/lib/logger.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../functions/store/sqlite-store.ts';
import { createFunctionUrlRoute } from '../../infra/local/lambda-url-adapter.ts';
import { STALE_AFTER_MS } from '../../src/core/liveness.ts';
import { sessionKeys } from '../unit/functions/support/kinesis-events.ts';
import { startAppSyncEventsStandIn, type AppSyncEventsStandIn } from './support/appsync-events-stand-in.ts';
import { bundleForPage } from './support/page-bundle.ts';
import { expect, test } from './support/browser.ts';

const HTTP_DOMAIN = 'example123.appsync-api.eu-west-1.amazonaws.com';
const API_KEY = 'da2-publicguestkeyfortests0000';
const { viewId } = sessionKeys(91);
const LINK_MS = 60_000;

// The follow loop as the viewer page builds it, with the AWS push channel; it records what the loop shows.
const HARNESS = `
import { ViewerController } from './src/lib/viewer/viewer-controller.ts';
import { createAppSyncPushChannel } from './src/lib/viewer/appsync-push-channel.ts';
import { createLiveApiClient } from './src/lib/viewer/live-api-client.ts';
export function follow(viewId, config, realtimeUrl) {
  const push = createAppSyncPushChannel(config, { realtimeUrl });
  const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const viewer = new ViewerController(viewId, { api: createLiveApiClient('/api'), now: () => Date.now(), delay, push });
  const shown = { remote: [], count: 0 };
  viewer.subscribe((s) => {
    if (shown.remote.at(-1) !== s.remote) shown.remote.push(s.remote);
    shown.count = s.count;
  });
  void viewer.start();
  return shown;
}`;

let bundle: string;
let appsync: AppSyncEventsStandIn;
let dir: string;
let store: SqliteLiveStore;
let shiftMs = 0;
const apiRequests: string[] = [];

test.beforeAll(async () => {
  bundle = await bundleForPage({ stdin: { contents: HARNESS, resolveDir: process.cwd(), sourcefile: 'harness.ts', loader: 'ts' } }, 'Harness');
});

test.beforeEach(async () => {
  dir = await mkdtemp(join('.tmp', 'push-status-'));
  store = openSqliteStore(join(dir, 'live.db'));
  shiftMs = 0;
  apiRequests.length = 0;
  const route = createFunctionUrlRoute('/api/', createLiveApi({ store, now: () => Date.now() + shiftMs, log: silentLogger }));
  appsync = await startAppSyncEventsStandIn({ host: HTTP_DOMAIN, apiKey: API_KEY });
  appsync.api = (req, res) => {
    apiRequests.push(req.url ?? '');
    void route.handle(req, res);
  };
});

test.afterEach(async () => {
  await appsync.stop();
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const shown = (page: import('@playwright/test').Page) => page.evaluate(() => (window as unknown as { shown: { remote: string[]; count: number } }).shown);

test('turns stale 3 s after the newest reading and expired at the link’s expiry, by asking the live API at those moments', async ({ page }) => {
  // Prepare: one reading received now and a link that expires in a minute, both in server time.
  const now = Date.now();
  await store.writeBatch([
    { kind: 'reading', viewId, seq: 0, t: now, bpm: 70, receivedAt: now, streamSeq: '1' },
    { kind: 'control', viewId, seq: 1, t: now, exp: now + LINK_MS, receivedAt: now, streamSeq: '2' },
  ]);
  await page.clock.install({ time: now });
  appsync.page = `<!doctype html><title>push status</title><script>${bundle}</script>`;
  await page.goto(appsync.pageUrl);
  await page.evaluate(
    ({ viewId, url, httpDomain, apiKey }) => {
      const w = window as unknown as Record<string, unknown> & { Harness: { follow: (...args: unknown[]) => unknown } };
      w['shown'] = w.Harness.follow(viewId, { kind: 'appsync-events', httpDomain, realtimeDomain: 'unused.example', apiKey }, url);
    },
    { viewId, url: appsync.url, httpDomain: HTTP_DOMAIN, apiKey: API_KEY },
  );
  await expect.poll(() => appsync.received.filter((m) => m['type'] === 'subscribe').length).toBe(1);
  await expect.poll(async () => (await shown(page)).remote.at(-1)).toBe('live');
  const sessionAsks = () => apiRequests.filter((url) => /^\/api\/sessions\/[^/]+$/.test(url)).length;
  const asksWhileLive = sessionAsks();

  // Act 1: both clocks move past the staleness moment; nothing is published.
  shiftMs = STALE_AFTER_MS + 1_000;
  await page.clock.fastForward(STALE_AFTER_MS + 1_000);

  // Assess 1: the loop asked for the session again and shows it stale, its reading still there.
  await expect.poll(async () => (await shown(page)).remote.at(-1)).toBe('stale');
  expect(sessionAsks()).toBe(asksWhileLive + 1);
  expect((await shown(page)).count).toBe(1);

  // Act 2: past the link's expiry.
  shiftMs = LINK_MS + 1_000;
  await page.clock.fastForward(LINK_MS - STALE_AFTER_MS);

  // Assess 2: expired and cleared, as the live API answers; never a long-poll, the channel still the only stream.
  await expect.poll(async () => (await shown(page)).remote.at(-1)).toBe('expired');
  expect((await shown(page)).count).toBe(0);
  expect((await shown(page)).remote).toEqual(['live', 'stale', 'expired']);
  expect(apiRequests.filter((url) => /[?&]wait=[1-9]/.test(url))).toEqual([]);
  expect(appsync.violations).toEqual([]);
});

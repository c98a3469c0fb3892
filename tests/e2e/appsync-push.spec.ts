/**
 * The AWS push channel's browser client (src/lib/viewer/appsync-push-channel.ts) in real Chromium, over a real
 * WebSocket to a local stand-in of AppSync Events' realtime endpoint that checks every message the page sends
 * (tests/e2e/support/appsync-events-stand-in.ts). Verified at the contract level only: no AppSync runs here.
 * The module is bundled with esbuild into a page the stand-in serves on 127.0.0.1 (a secure context, as the app is).
 */
import type { Page } from '@playwright/test';
import type { LiveEvent } from '../../src/core/live-events.ts';
import type { createAppSyncPushChannel } from '../../src/lib/viewer/appsync-push-channel.ts';
import { pushChannelOf } from '../../src/core/push-channel-name.ts';
import { sessionKeys } from '../unit/functions/support/kinesis-events.ts';
import { startAppSyncEventsStandIn, type AppSyncEventsStandIn } from './support/appsync-events-stand-in.ts';
import { bundleForPage } from './support/page-bundle.ts';
import { expect, test } from './support/browser.ts';

const HTTP_DOMAIN = 'example123.appsync-api.eu-west-1.amazonaws.com';
const API_KEY = 'da2-publicguestkeyfortests0000';
const A = sessionKeys(81).viewId;
const B = sessionKeys(82).viewId;

let bundle: string;
let appsync: AppSyncEventsStandIn;

test.beforeAll(async () => {
  bundle = await bundleForPage({ entryPoints: ['src/lib/viewer/appsync-push-channel.ts'] }, 'AppSyncPush');
});

test.beforeEach(async () => {
  appsync = await startAppSyncEventsStandIn({ host: HTTP_DOMAIN, apiKey: API_KEY });
});

test.afterEach(async () => {
  await appsync.stop();
});

/** Opens the harness and follows the view ids; the page records states and events in window.push. */
async function follow(page: Page, viewIds: string[]): Promise<void> {
  appsync.page = `<!doctype html><title>push</title><script>${bundle}</script>`;
  await page.goto(appsync.pageUrl);
  await page.evaluate(
    ({ url, viewIds, httpDomain, apiKey }) => {
      const w = window as unknown as Record<string, unknown> & { AppSyncPush: { createAppSyncPushChannel: typeof createAppSyncPushChannel } };
      const record = { states: [] as string[], events: [] as unknown[] };
      const channel = w.AppSyncPush.createAppSyncPushChannel({ kind: 'appsync-events', httpDomain, realtimeDomain: 'unused.example', apiKey }, { realtimeUrl: url });
      w['push'] = record;
      w['subscription'] = channel.follow(
        viewIds.map((viewId) => ({ viewId, cursor: '0' })),
        { event: (event) => record.events.push(event), state: (state) => record.states.push(state) },
      );
    },
    { url: appsync.url, viewIds, httpDomain: HTTP_DOMAIN, apiKey: API_KEY },
  );
}

const states = (page: Page) => page.evaluate(() => (window as unknown as { push: { states: string[] } }).push.states);
const events = (page: Page) => page.evaluate(() => (window as unknown as { push: { events: LiveEvent[] } }).push.events);

function sessionEvent(viewId: string, serverTime: number): LiveEvent {
  return { type: 'session', viewId, session: { viewId, status: 'live', serverTime } };
}

test('subscribes once per session on its own channel and delivers only that session’s well-formed events', async ({ page }) => {
  // Prepare
  await follow(page, [A, B]);
  await expect.poll(() => states(page)).toEqual(['connecting', 'open']);

  // Act: one event each, B's event on A's channel, a malformed event, then A again.
  appsync.publish(pushChannelOf(A), JSON.stringify(sessionEvent(A, 1)));
  appsync.publish(pushChannelOf(B), JSON.stringify(sessionEvent(B, 2)));
  appsync.publish(pushChannelOf(A), JSON.stringify(sessionEvent(B, 3)));
  appsync.publish(pushChannelOf(A), '{"type":"readings"');
  appsync.publish(pushChannelOf(A), JSON.stringify({ ...sessionEvent(A, 4), type: 'unknown' }));
  appsync.publish(pushChannelOf(A), JSON.stringify(sessionEvent(A, 5)));

  // Assess
  await expect.poll(() => events(page)).toEqual([sessionEvent(A, 1), sessionEvent(B, 2), sessionEvent(A, 5)]);
  expect(appsync.violations).toEqual([]);
  const subscribes = appsync.received.filter((m) => m['type'] === 'subscribe');
  expect(appsync.received[0]).toEqual({ type: 'connection_init' });
  expect(subscribes.map((m) => m['channel']).sort()).toEqual([pushChannelOf(A), pushChannelOf(B)].sort());
  expect(subscribes.every((m) => JSON.stringify(m['authorization']) === JSON.stringify({ host: HTTP_DOMAIN, 'x-api-key': API_KEY }))).toBe(true);
});

test('unsubscribes and closes when the page stops following', async ({ page }) => {
  // Prepare
  await follow(page, [A, B]);
  await expect.poll(() => states(page)).toEqual(['connecting', 'open']);

  // Act
  await page.evaluate(() => (window as unknown as { subscription: { close(): void } }).subscription.close());

  // Assess: both subscriptions ended by id, the socket closed, and no 'failed' for a close the page asked for.
  await expect.poll(() => appsync.openConnections()).toBe(0);
  const ids = appsync.received.filter((m) => m['type'] === 'subscribe').map((m) => m['id']);
  expect(appsync.received.filter((m) => m['type'] === 'unsubscribe').map((m) => m['id'])).toEqual(ids);
  expect(await states(page)).toEqual(['connecting', 'open']);
  expect(appsync.violations).toEqual([]);
});

test('fails when a subscription is refused, so the page falls back to long-poll', async ({ page }) => {
  // Prepare
  appsync.refuse = (channel) => channel === pushChannelOf(B);

  // Act
  await follow(page, [A, B]);

  // Assess
  await expect.poll(() => states(page)).toEqual(['connecting', 'failed']);
  await expect.poll(() => appsync.openConnections()).toBe(0);
});

test('fails when the connection drops or the service reports an error', async ({ page }) => {
  // Prepare
  await follow(page, [A]);
  await expect.poll(() => states(page)).toEqual(['connecting', 'open']);

  // Act
  appsync.drop();

  // Assess: failed once, and nothing delivered after it.
  await expect.poll(() => states(page)).toEqual(['connecting', 'open', 'failed']);
  expect(appsync.publish(pushChannelOf(A), JSON.stringify(sessionEvent(A, 1)))).toBe(0);

  // Act: a second page, and an error message on its connection.
  await follow(page, [A]);
  await expect.poll(() => states(page)).toEqual(['connecting', 'open']);
  appsync.broadcast({ type: 'error', errors: [{ errorType: 'InternalFailure', message: 'stand-in' }] });

  // Assess
  await expect.poll(() => states(page)).toEqual(['connecting', 'open', 'failed']);
});

test('stays open on keep-alives and fails when they stop for the connection timeout', async ({ page }) => {
  // Prepare: Playwright's clock, so the timeout takes no real time.
  appsync.connectionTimeoutMs = 60_000;
  await page.clock.install();
  await follow(page, [A]);
  await expect.poll(() => states(page)).toEqual(['connecting', 'open']);

  // Act: keep-alives inside the timeout, then silence past it. An event sent after each keep-alive shows it arrived
  // (one socket keeps order).
  for (let i = 1; i <= 3; i++) {
    await page.clock.runFor(50_000);
    appsync.broadcast({ type: 'ka' });
    appsync.publish(pushChannelOf(A), JSON.stringify(sessionEvent(A, i)));
    await expect.poll(async () => (await events(page)).length).toBe(i);
  }
  const openAfterKeepAlives = await states(page);
  await page.clock.runFor(61_000);

  // Assess
  expect(openAfterKeepAlives).toEqual(['connecting', 'open']);
  await expect.poll(() => states(page)).toEqual(['connecting', 'open', 'failed']);
});

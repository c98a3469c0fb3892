// The viewer on push (the embedded stack's event stream at /api/events), its fall-back to long-poll when the
// stream drops, and its return to push: every reading shown, none missed, none twice.
import type { Page, Request } from '@playwright/test';
import { test, expect } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';

const isEventStream = (url: string): boolean => new URL(url).pathname === '/api/events';
const eventStreamUrl = (url: URL): boolean => url.pathname === '/api/events';
const isLongPoll = (request: Request): boolean => /\/readings\?/.test(request.url()) && new URL(request.url()).searchParams.get('wait') !== '0';

/** Records the URLs of the long-polls the page makes from now on (a page on push makes none). */
function recordLongPolls(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (isLongPoll(request)) urls.push(request.url());
  });
  return urls;
}

/** Sequence numbers the page marked as shown (ViewerApp's User Timing marks), in order. */
function shownSeqs(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    performance.getEntriesByName('lhr:reading-shown').flatMap((entry) => ((entry as PerformanceMark).detail as { seqs: number[] }).seqs),
  );
}

test.describe('viewer on push', () => {
  test('follows a session by push, with no long-poll', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(70);
    const longPolls = recordLongPolls(page);
    const opened = page.waitForResponse((response) => isEventStream(response.url()) && response.status() === 200);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await expect(page.getByTestId('bpm')).toHaveText('70');
    await opened;

    // Act
    for (const bpm of [71, 72, 73]) {
      await broadcast.send(bpm);
      await expect(page.getByTestId('bpm')).toHaveText(String(bpm));
    }

    // Assess
    expect(await shownSeqs(page)).toEqual([0, 1, 2, 3]);
    await expect(page.getByTestId('stat-count')).toHaveText('4');
    expect(longPolls).toEqual([]);
  });

  test('falls back to long-poll when the stream drops, shows every reading sent meanwhile, and returns to push', async ({ page, stack }) => {
    // The return to push waits out the retry delay and a long-poll.
    test.setTimeout(60_000);
    // Prepare: on push
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(60);
    const firstStream = page.waitForResponse((response) => isEventStream(response.url()) && response.status() === 200);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await firstStream;
    await expect(page.getByTestId('bpm')).toHaveText('60');

    // Act: the stream is cut, and opening a new one fails, while readings keep coming
    await page.route(eventStreamUrl, (route) => route.abort());
    const longPoll = page.waitForRequest(isLongPoll);
    stack.endEventStreams();
    await longPoll;
    for (const bpm of [61, 62, 63, 64, 65]) {
      await broadcast.send(bpm);
      await expect(page.getByTestId('bpm')).toHaveText(String(bpm));
    }
    await page.unroute(eventStreamUrl);
    // Push is tried again after 5 s, the next time the long-poll answers (at most its 10 s wait).
    const backOnPush = await page.waitForResponse((response) => isEventStream(response.url()) && response.status() === 200, { timeout: 30_000 });
    const longPollsAfter = recordLongPolls(page);
    for (const bpm of [66, 67]) {
      await broadcast.send(bpm);
      await expect(page.getByTestId('bpm')).toHaveText(String(bpm));
    }

    // Assess
    expect(await shownSeqs(page)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await expect(page.getByTestId('stat-count')).toHaveText('8');
    expect(new URL(backOnPush.url()).searchParams.getAll('view')).toEqual([`${broadcast.viewId}:6`]);
    expect(longPollsAfter).toEqual([]);
    await expect(page.getByTestId('offline-note')).toHaveCount(0);
  });

  test('"no data" from the stack\'s alert clock reaches the viewer as a pushed session event', async ({ page, stack }) => {
    // Prepare: shared rules, a live session, the page on push
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.control({ alerts: { share: true, settings: { rules: [{ id: 'silent', kind: 'no-data', forS: 3 }], hysteresisBpm: 3, repeatAfterS: 0 } } });
    await broadcast.send(70);
    const longPolls = recordLongPolls(page);
    const opened = page.waitForResponse((response) => isEventStream(response.url()) && response.status() === 200);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
    await opened;

    // Act: silence
    await expect(page.getByTestId('bpm')).toHaveText('70');

    // Assess
    await expect(page.getByRole('alert')).toContainText('No data for 3 s');
    await broadcast.send(72);
    await expect(page.getByRole('alert')).toHaveCount(0);
    expect(longPolls).toEqual([]);
  });
});

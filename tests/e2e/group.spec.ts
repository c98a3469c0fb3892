import { test, expect } from './support/app.ts';
import { createTestBroadcast, type TestBroadcast } from './support/stream-writer.ts';
import type { Page } from '@playwright/test';

const tile = (page: Page, b: Pick<TestBroadcast, 'viewId'>) => page.locator(`[data-testid="group-tile"][data-view-id="${b.viewId}"]`);
const HOSTILE = '<img src=x onerror="window.__pwned=1">';

test.describe('group page', () => {
  test('follows several sessions at once: each one’s readings, name and state, an HTML name shown as text', async ({ page: phone, stack, sensor, browser }) => {
    // Prepare: three sessions put on the stream from Node, one from an emulated broadcaster's page.
    const [hostile, ending, turnedOff] = [0, 1, 2].map(() => createTestBroadcast(stack.kinesisEndpoint));
    if (!hostile || !ending || !turnedOff) throw new Error('three broadcasts');
    await hostile.control({ name: HOSTILE, maxHr: 180 });
    await ending.control({ name: 'Bo' });
    await turnedOff.control({ name: 'Cy' });
    for (const b of [hostile, ending, turnedOff]) await b.send(100);
    await phone.goto(stack.appUrl);
    await phone.getByLabel(/Display name/).fill('  Dee   on the bike ');
    await phone.getByRole('button', { name: 'Save name' }).click();
    await phone.getByRole('button', { name: 'Start broadcast' }).click();
    const phoneLink = await phone.getByTestId('share-link').inputValue();
    await phone.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.waitForSubscription();
    await sensor.notify([0x00, 150]);
    const dee = { viewId: phoneLink.split('/v/')[1] ?? '' };

    // Act: the group is built from pasted share links, then opened (a coach's screen, another browser context).
    const coachContext = await browser.newContext();
    const page = await coachContext.newPage();
    await page.goto(`${stack.appUrl}/g`);
    await expect(page.getByTestId('group-empty')).toBeVisible();
    const links = [hostile, ending, turnedOff].map((b) => `${stack.appUrl}/v/${b.viewId}`).concat(phoneLink, 'not a link');
    await page.getByTestId('share-links').fill(links.join('\n'));
    await expect(page.getByTestId('builder-count')).toHaveText('4 sessions, 1 line not a share link');
    await page.getByTestId('built-link').click();

    // Assess: every tile live with its reading, names as given (normalized), as text.
    await expect(page).toHaveURL(new RegExp(`/g\\?v=${hostile.viewId},${ending.viewId},${turnedOff.viewId},${dee.viewId}$`));
    await expect(page.getByTestId('group-tile')).toHaveCount(4);
    await expect(tile(page, hostile).getByTestId('tile-bpm')).toHaveText('100');
    await expect(tile(page, dee).getByTestId('tile-bpm')).toHaveText('150');
    await expect(tile(page, dee).getByTestId('tile-name')).toHaveText('Dee on the bike');
    await expect(tile(page, hostile).getByTestId('tile-name')).toHaveText(HOSTILE);
    expect(await tile(page, hostile).getByTestId('tile-name').evaluate((el) => el.textContent)).toBe(HOSTILE);
    await expect(page.locator('img')).toHaveCount(0);
    expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined();
    // 100 of 180 is 55 %: zone 1 by the broadcaster's own max HR, in words as well as colour.
    await expect(tile(page, hostile).getByTestId('tile-zone')).toHaveText('Zone 1');

    // Act: new readings, an end, a link turned off, the phone's next beat.
    await hostile.send(171);
    await ending.control({ end: true });
    await turnedOff.control({ exp: Date.now() - 1 });
    await sensor.notify([0x00, 152]);

    // Assess
    await expect(tile(page, hostile).getByTestId('tile-bpm')).toHaveText('171');
    await expect(tile(page, hostile)).toHaveAttribute('data-status', 'live');
    await expect(tile(page, hostile).getByTestId('tile-zone')).toHaveText('Zone 5');
    // The page follows from the newest reading on: the sparkline holds what came after it opened.
    await expect(tile(page, hostile).getByTestId('tile-spark')).toHaveAttribute('data-points', '1');
    await expect(tile(page, ending).getByTestId('tile-status')).toHaveText('Ended', { timeout: 15_000 });
    await expect(tile(page, turnedOff).getByTestId('tile-status')).toHaveText('Off', { timeout: 15_000 });
    await expect(tile(page, turnedOff).getByTestId('tile-name')).toHaveText('Unnamed');
    await expect(tile(page, dee).getByTestId('tile-bpm')).toHaveText('152');
    await coachContext.close();
  });

  test('says stale when a session goes quiet, sorts by name, and keeps large type in the link', async ({ page, stack }) => {
    // Prepare
    const [zed, amy] = [0, 1].map(() => createTestBroadcast(stack.kinesisEndpoint));
    if (!zed || !amy) throw new Error('two broadcasts');
    await zed.control({ name: 'Zed' });
    await amy.control({ name: 'Amy' });
    await zed.send(160);
    await amy.send(90);
    await page.clock.install();
    await page.goto(`${stack.appUrl}/g?v=${zed.viewId},${amy.viewId}`);
    await expect(tile(page, zed).getByTestId('tile-bpm')).toHaveText('160');
    await expect(tile(page, amy).getByTestId('tile-status')).toHaveText('Live');

    // Act
    await page.clock.fastForward(10_000);
    await page.getByRole('radio', { name: 'Name' }).click();
    await page.getByTestId('large-toggle').click();

    // Assess
    await expect(tile(page, amy).getByTestId('tile-status')).toHaveText('No data');
    await expect(page.getByTestId('tile-name')).toHaveText(['Amy', 'Zed']);
    await expect(page).toHaveURL(/large=1/);
    await expect(page).toHaveURL(/sort=name/);
    await expect(page.locator('html')).toHaveClass(/large/);
  });
});

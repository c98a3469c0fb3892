import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/app.ts';
import { decodePng, type Pixels } from './support/png.ts';
import { createTestBroadcast, type TestBroadcast } from './support/stream-writer.ts';

// Each overlay style on the local stack, judged by its pixels the way streaming software composites them:
// Playwright's screenshot without the default white background is what OBS's browser source lays over a scene.
const VIEWPORT = { width: 800, height: 600 };

async function screenshot(page: Page): Promise<Pixels> {
  return decodePng(await page.screenshot({ omitBackground: true }));
}

function corners(pixels: Pixels): number[] {
  const { width, height } = pixels;
  return [pixels.at(0, 0), pixels.at(width - 1, 0), pixels.at(0, height - 1), pixels.at(width - 1, height - 1)].map((p) => p[3]);
}

/** How many pixels inside the element's box are not fully transparent. */
async function opaqueIn(page: Page, locator: Locator): Promise<number> {
  const box = await locator.boundingBox();
  if (!box) return 0;
  const pixels = await screenshot(page);
  let count = 0;
  for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.height); y++) {
    for (let x = Math.ceil(box.x); x < Math.floor(box.x + box.width); x++) if (pixels.at(x, y)[3] > 0) count += 1;
  }
  return count;
}

/** Share of the plot's columns (a 2 px margin each side) where the line is drawn. */
async function columnsDrawn(page: Page, plot: Locator): Promise<number> {
  const box = await plot.boundingBox();
  if (!box) return 0;
  const pixels = await screenshot(page);
  let drawn = 0;
  let columns = 0;
  for (let x = Math.ceil(box.x) + 2; x < Math.floor(box.x + box.width) - 2; x++) {
    columns += 1;
    for (let y = Math.ceil(box.y); y < Math.floor(box.y + box.height); y++) {
      if (pixels.at(x, y)[3] > 0) {
        drawn += 1;
        break;
      }
    }
  }
  return drawn / columns;
}

/** Readings every 5 s over the last `seconds`, dated in the past as an uplink's backlog would be. */
async function sendHistory(broadcast: TestBroadcast, seconds: number): Promise<void> {
  const now = Date.now();
  await broadcast.put(
    Array.from({ length: seconds / 5 }, (_, i) => ({
      v: 1 as const,
      key: broadcast.key,
      seq: broadcast.nextSeq++,
      t: now - seconds * 1000 + i * 5000,
      bpm: 90 + ((i * 7) % 40),
    })),
  );
}

test.describe('overlays for streaming', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize(VIEWPORT);
  });

  test('an old ?overlay=1 link shows the number alone on a transparent page', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(101);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=1`);
    // Assess
    await expect(page.getByTestId('bpm')).toHaveText('101');
    await expect(page.getByTestId('overlay')).toHaveAttribute('data-style', 'number');
    await expect(page.getByRole('heading')).toHaveCount(0);
    const pixels = await screenshot(page);
    expect(corners(pixels)).toEqual([0, 0, 0, 0]);
    expect(await opaqueIn(page, page.getByTestId('bpm'))).toBeGreaterThan(500);
  });

  test('colour, size and background come from the link', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(88);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=number&color=00ff00&size=160&bg=102030&unit=1`);
    // Assess
    const value = page.getByTestId('bpm');
    await expect(value).toHaveText('88');
    await expect(page.getByTestId('overlay')).toContainText('bpm');
    expect(await value.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(0, 255, 0)');
    expect(await value.evaluate((e) => getComputedStyle(e).fontSize)).toBe('160px');
    const box = await page.getByTestId('overlay').boundingBox();
    const pixels = await screenshot(page);
    expect(pixels.at(Math.ceil(box?.x ?? 0) + 1, Math.ceil(box?.y ?? 0) + 1)).toEqual([0x10, 0x20, 0x30, 255]);
    expect(corners(pixels).slice(1)).toEqual([0, 0, 0]); // the background is the overlay's box, not the page
  });

  test('a link with hostile values shows the default overlay, never an error', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(77);
    const hostile = new URLSearchParams({ overlay: 'graph', color: 'red;background:url(//x)', font: '"><script>alert(1)</script>', size: '9999', minutes: '60' });
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?${hostile}`);
    // Assess
    await expect(page.getByTestId('bpm')).toHaveText('77');
    const value = page.getByTestId('bpm');
    expect(await value.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(255, 255, 255)');
    expect(await value.evaluate((e) => getComputedStyle(e).fontSize)).toBe('96px');
    await expect(page.locator('script:not([src])')).toHaveCount(0);
    await expect(page.getByRole('img', { name: 'Heart rate over the last 2 minutes' })).toBeVisible();
  });

  test('heart: beats at the current rate, and stands still for reduced motion', async ({ page, stack }) => {
    // Prepare
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(120);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=heart`);
    // Assess
    const heart = page.getByTestId('overlay-heart');
    await expect(page.getByTestId('bpm')).toHaveText('120');
    await expect(heart).toHaveCSS('animation-duration', '0.5s');
    expect(await heart.evaluate((e) => getComputedStyle(e).animationName)).not.toBe('none');
    expect(await opaqueIn(page, heart)).toBeGreaterThan(500);
    expect(corners(await screenshot(page))).toEqual([0, 0, 0, 0]);
    await broadcast.send(60);
    await expect(heart).toHaveCSS('animation-duration', '1s');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await expect(heart).toHaveCSS('animation-name', 'none');
  });

  test('graph: draws the last minutes across the plot on a transparent page', async ({ page, stack }) => {
    // Prepare: two minutes of readings
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await sendHistory(broadcast, 120);
    await broadcast.send(100);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=graph&minutes=2&color=ffcc00`);
    // Assess
    await expect(page.getByTestId('bpm')).toHaveText('100');
    const plot = page.getByTestId('overlay-graph');
    await expect(page.getByRole('img', { name: 'Heart rate over the last 2 minutes' })).toBeVisible();
    await expect.poll(() => columnsDrawn(page, plot)).toBeGreaterThan(0.9);
    const pixels = await screenshot(page);
    expect(corners(pixels)).toEqual([0, 0, 0, 0]);
    // The line is in the link's colour: find its most opaque pixel
    const box = await plot.boundingBox();
    let best: [number, number, number, number] = [0, 0, 0, 0];
    for (let y = Math.ceil(box?.y ?? 0); y < Math.floor((box?.y ?? 0) + (box?.height ?? 0)); y++) {
      const p = pixels.at(Math.round((box?.x ?? 0) + (box?.width ?? 0) / 2), y);
      if (p[3] > best[3]) best = p;
    }
    expect(best).toEqual([0xff, 0xcc, 0x00, 255]);
  });

  test('zone: a ring in the zone colour with the zone in text', async ({ page, stack }) => {
    // Prepare: 171 bpm is 90 % of 190, zone 5
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(171);
    // Act
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=zone&max=190`);
    // Assess
    const ring = page.getByTestId('overlay-zone');
    await expect(ring).toHaveAttribute('data-zone', '5');
    await expect(ring).toContainText('zone 5');
    const box = await ring.boundingBox();
    const border = Number.parseFloat(await ring.evaluate((e) => getComputedStyle(e).borderTopWidth));
    const pixels = await screenshot(page);
    // The middle of the ring's top edge
    expect(pixels.at(Math.round((box?.x ?? 0) + (box?.width ?? 0) / 2), Math.floor((box?.y ?? 0) + border / 2))).toEqual([0xff, 0x4d, 0x6d, 255]);
    expect(corners(pixels)).toEqual([0, 0, 0, 0]);
    // Act: 140 is zone 3 of 190, and zone 5 of a max heart rate of 150
    await broadcast.send(140);
    await expect(ring).toHaveText(/140\s*bpm\s*zone 3/);
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=zone&max=150`);
    await expect(page.getByTestId('overlay-zone')).toHaveText(/140\s*bpm\s*zone 5/);
  });

  test('paused, ended and turned-off links are shown discreetly', async ({ page, stack }) => {
    // Prepare: the page's clock is Playwright's, so "a while without data" takes no real time
    const broadcast = createTestBroadcast(stack.kinesisEndpoint);
    await broadcast.send(95);
    await page.clock.install();
    await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=graph`);
    await expect(page.getByTestId('bpm')).toHaveText('95');
    await expect(page.getByTestId('overlay-word')).toHaveCount(0);
    await expect(page.getByTestId('bpm')).toHaveCSS('opacity', '1');
    // Act: no reading for a while
    await page.clock.fastForward(10_000);
    // Assess
    await expect(page.getByTestId('overlay-word')).toHaveText('paused');
    await expect(page.getByTestId('bpm')).toHaveCSS('opacity', '0.45');
    // Act: the broadcaster stops
    await broadcast.control({ end: true });
    // Assess: the last value, dimmed, with a small word
    await expect(page.getByTestId('overlay-word')).toHaveText('ended', { timeout: 15_000 });
    await expect(page.getByTestId('bpm')).toHaveCSS('opacity', '0.45');
    // Act: the link is turned off
    await broadcast.control({ exp: Date.now() - 1 });
    // Assess: no number at all
    await expect(page.getByTestId('overlay-word')).toHaveText('off', { timeout: 15_000 });
    await expect(page.getByTestId('bpm')).toHaveCount(0);
    await expect(page.getByTestId('overlay-graph')).toHaveCount(0);
    expect(corners(await screenshot(page))).toEqual([0, 0, 0, 0]);
  });
});

test.describe('overlay builder', () => {
  test('says it needs a share link until there is one', async ({ page, stack }) => {
    // Act
    await page.goto(stack.appUrl);
    // Assess
    const builder = page.getByTestId('overlay-builder');
    await expect(builder.getByTestId('overlay-needs-link')).toBeVisible();
    await expect(builder.getByRole('button', { name: 'Copy browser-source URL' })).toHaveCount(0);
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    await expect(builder.getByTestId('overlay-needs-link')).toHaveCount(0);
  });

  test('builds the URL it previews, on a checkerboard, and copies it', async ({ page, stack, context }) => {
    // Prepare: live with the demo sensor, so the preview has a heart rate to show
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Try the demo sensor' }).click();
    const shareLink = await page.getByTestId('share-link').inputValue();
    const builder = page.getByTestId('overlay-builder');
    // Act
    await builder.getByRole('radio', { name: 'Graph' }).check();
    await builder.getByLabel('Graph minutes').selectOption('3');
    await builder.getByLabel('Colour', { exact: true }).fill('#00ff00');
    await builder.getByLabel('Show “bpm”').check();
    await builder.getByLabel('Font').selectOption({ label: 'Monospace' });
    // Assess: the URL, the preview's frame and the overlay inside it agree
    const expected = `${shareLink}?overlay=graph&color=00ff00&font=mono&minutes=3&unit=1`;
    await expect(builder.getByTestId('overlay-url')).toHaveValue(expected);
    await expect(builder.getByTestId('overlay-preview')).toHaveAttribute('src', expected);
    const preview = page.frameLocator('[data-testid="overlay-preview"]');
    await expect(preview.getByTestId('overlay')).toHaveAttribute('data-style', 'graph');
    await expect(preview.getByTestId('bpm')).toHaveText(/^\d+$/);
    await expect(preview.getByRole('img', { name: 'Heart rate over the last 3 minutes' })).toBeVisible();
    // The frame is transparent: its far corner shows the checkerboard's two greys, 10 px apart
    const pixels = decodePng(await builder.getByTestId('overlay-preview').screenshot());
    const [x, y] = [pixels.width - 25, pixels.height - 25];
    const squares = [pixels.at(x, y), pixels.at(x + 10, y), pixels.at(x, y + 10)].map(([r, g, b]) => [r, g, b]);
    expect(new Set(squares.map((s) => s.join()))).toEqual(new Set(['122,122,122', '176,176,176']));
    // Act: copy
    await builder.getByRole('button', { name: 'Copy browser-source URL' }).click();
    // Assess
    await expect(builder.getByTestId('overlay-copy-status')).toHaveText('Copied: paste it into your streaming software.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(expected);
  });

  test('works from the keyboard, with the focus visible', async ({ page, stack, context }) => {
    // Prepare
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Start broadcast' }).click();
    const builder = page.getByTestId('overlay-builder');
    await builder.getByRole('radio', { name: 'Number' }).focus();
    // Act: arrows move between the styles, the size slider steps by 4 px
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('ArrowRight');
    // Assess
    await expect(builder.getByRole('radio', { name: 'Heart' })).toBeChecked();
    const slider = builder.getByRole('slider', { name: /Size/ });
    await expect(slider).toBeFocused();
    await expect(slider).toHaveCSS('outline-style', 'solid');
    await expect(builder.getByTestId('overlay-url')).toHaveValue(/\?overlay=heart&size=100$/);
    // Act: from the URL field, Tab reaches the copy button, and Enter copies
    await builder.getByTestId('overlay-url').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    // Assess
    await expect(builder.getByTestId('overlay-copy-status')).toHaveText(/^Copied/);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(/\?overlay=heart&size=100$/);
  });
});

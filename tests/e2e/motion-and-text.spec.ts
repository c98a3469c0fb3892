/**
 * Motion, colour and text size, in real Chromium (docs/testing.md "Accessibility"): the pulsing live dot stops
 * when the system asks for reduced motion; states and zones are said in words beside their colour; text at 200 %
 * fits a phone and a laptop without scrolling sideways, every main control still whole on screen.
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';

const liveDot = (page: Page) => page.getByTestId('sensor-status').locator('.dot');

async function startDemo(page: Page, appUrl: string): Promise<void> {
  await page.goto(appUrl);
  await page.getByRole('button', { name: 'Try the demo sensor' }).click();
  await expect(page.getByTestId('sensor-status')).toHaveText('Live');
  await expect(page.getByTestId('share-link')).toBeVisible();
}

test.describe('motion', () => {
  test('the live dot pulses when motion is welcome', async ({ page, stack }) => {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await startDemo(page, stack.appUrl);
    expect(await liveDot(page).evaluate((el) => getComputedStyle(el).animationName)).toBe('live-pulse');
  });

  test('with reduced motion nothing on the page is animated', async ({ page, stack }) => {
    // Prepare
    await page.emulateMedia({ reducedMotion: 'reduce' });

    // Act
    await startDemo(page, stack.appUrl);

    // Assess: the dot, and every other element
    expect(await liveDot(page).evaluate((el) => getComputedStyle(el).animationName)).toBe('none');
    const animated = await page.evaluate(() =>
      Array.from(document.querySelectorAll('*')).filter((el) => getComputedStyle(el).animationName !== 'none').map((el) => el.outerHTML.slice(0, 80)),
    );
    expect(animated).toEqual([]);
  });
});

test('states and zones are said in words beside their colour', async ({ page, stack }) => {
  // Prepare / Act
  await startDemo(page, stack.appUrl);

  // Assess: each status dot sits in a line that says the status
  const dotLines = await page.locator('.dot').evaluateAll((dots) => dots.map((dot) => dot.parentElement?.textContent?.trim() ?? ''));
  expect(dotLines.length).toBeGreaterThan(0);
  for (const line of dotLines) expect(line).not.toBe('');
  // Zones: the current zone and each zone's time in words
  await expect(page.getByTestId('zones').locator('li')).toHaveCount(5);
  for (const zone of [1, 2, 3, 4, 5]) await expect(page.getByTestId('zones').locator('li').nth(zone - 1)).toContainText(`Zone ${zone}`);
  // The chosen chart window: underlined and bold, not only filled
  const chosen = page.getByRole('radiogroup', { name: 'Chart window' }).getByRole('radio', { checked: true });
  expect(await chosen.evaluate((el) => getComputedStyle(el).textDecorationLine)).toBe('underline');
});

const SIZES = [
  { width: 390, height: 844 },
  { width: 1280, height: 900 },
] as const;

/**
 * No sideways scrolling, each control whole within the viewport's width, and no visible control sticking out of
 * the box drawn around it (a panel's fieldset or section): a long label must wrap inside its border.
 */
async function assertFits(page: Page, controls: Locator[]): Promise<void> {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
  const outside = await page.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLElement>('button, select, input')).flatMap((control) => {
      const box = control.getBoundingClientRect();
      const frame = control.parentElement?.closest('fieldset, section');
      if (box.width === 0 || frame === null || frame === undefined) return [];
      const edge = frame.getBoundingClientRect();
      return box.left < edge.left - 0.5 || box.right > edge.right + 0.5 ? [control.textContent?.trim() || control.getAttribute('aria-label') || control.tagName] : [];
    }),
  );
  expect(outside).toEqual([]);
  for (const control of controls) {
    await control.scrollIntoViewIfNeeded();
    await expect(control).toBeInViewport({ ratio: 1 });
  }
}

for (const size of SIZES) {
  test.describe(`text at 200 % at ${size.width}×${size.height}`, () => {
    test.use({ viewport: size });
    test.beforeEach(async ({ page }) => {
      // As a person's browser setting does: every rem doubles.
      await page.addInitScript(() => {
        document.addEventListener('DOMContentLoaded', () => (document.documentElement.style.fontSize = '200%'));
      });
    });

    test('the broadcaster page, idle and live', async ({ page, stack }) => {
      // Prepare
      await page.goto(stack.appUrl);
      expect(await page.evaluate(() => getComputedStyle(document.documentElement).fontSize)).toBe('32px');

      // Assess: idle
      await assertFits(page, [
        page.getByRole('button', { name: 'Connect sensor' }),
        page.getByRole('button', { name: 'Try the demo sensor' }),
        page.getByRole('button', { name: 'Start broadcast' }),
        page.getByRole('button', { name: 'Read heart rate' }),
      ]);

      // Act / Assess: live and sharing
      await page.getByRole('button', { name: 'Try the demo sensor' }).click();
      await expect(page.getByTestId('share-link')).toBeVisible();
      await assertFits(page, [
        page.getByRole('button', { name: 'Copy link' }),
        page.getByRole('button', { name: 'in 24 hours' }),
        page.getByRole('button', { name: 'Turn off link' }),
        page.getByRole('button', { name: 'Stop broadcast' }),
        page.getByRole('radio', { name: '60 min' }),
        page.getByTestId('alert-save'),
        page.getByLabel('Max heart rate'),
        page.getByTestId('zone-5'),
        page.getByRole('button', { name: 'Disconnect' }),
      ]);
    });

    test('the history list, a session opened and its export panel', async ({ page, stack }) => {
      // Prepare: a short session from the demo sensor
      await startDemo(page, stack.appUrl);
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await expect(page.getByTestId('history-item')).toHaveCount(1);

      // Assess: the list
      await assertFits(page, [page.getByTestId('history-open'), page.getByRole('button', { name: /^Delete the session/ })]);

      // Act / Assess: the detail
      await page.getByTestId('history-open').click();
      await expect(page.getByTestId('detail-chart-summary')).toHaveText(/^Whole session: last \d+ bpm/);
      await assertFits(page, [
        page.getByRole('link', { name: 'All sessions' }),
        page.getByRole('button', { name: 'Zoom in' }),
        page.getByTestId('export-csv'),
        page.getByTestId('export-fit'),
      ]);
    });

    test('the viewer page', async ({ page, stack }) => {
      // Prepare
      const broadcast = createTestBroadcast(stack.kinesisEndpoint);
      await broadcast.send(70, 72);

      // Act
      await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
      await expect(page.getByTestId('bpm')).toHaveText('72');

      // Assess
      await assertFits(page, [
        page.getByRole('button', { name: 'Read heart rate' }),
        page.getByRole('radio', { name: '60 min' }),
        page.getByTestId('stat-count'),
        page.getByRole('button', { name: 'Save' }),
      ]);
    });
  });
}

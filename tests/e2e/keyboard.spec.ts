/**
 * The main flow with a keyboard only, in real Chromium: Tab and Shift+Tab to move, Enter and Space to act, digits
 * typed into fields. At each control reached, the focus ring must be visible (docs/testing.md "Accessibility").
 */
import type { Locator, Page } from '@playwright/test';
import { test, expect } from './support/app.ts';

const MAX_PRESSES = 200;

/** Whether the focused element is `target`; and whether `target` comes before the focused element. */
async function focusRelation(page: Page, target: Locator): Promise<{ focused: boolean; before: boolean }> {
  return target.evaluate((el) => {
    const active = document.activeElement;
    const focused = active === el;
    const before = !focused && active !== null && active !== document.body && (el.compareDocumentPosition(active) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    return { focused, before };
  });
}

/** The focused element's ring as drawn: `:focus-visible` matched and a solid outline at least 2 px wide. */
async function focusRing(target: Locator): Promise<{ matches: boolean; style: string; width: number }> {
  return target.evaluate((el) => {
    const style = getComputedStyle(el);
    return { matches: el.matches(':focus-visible'), style: style.outlineStyle, width: Number.parseFloat(style.outlineWidth) };
  });
}

/** Moves the focus to `target` with Tab (or Shift+Tab when it lies behind) and asserts its ring is visible. */
async function tabTo(page: Page, target: Locator): Promise<void> {
  await expect(target).toBeVisible();
  const { before } = await focusRelation(page, target);
  const key = before ? 'Shift+Tab' : 'Tab';
  for (let i = 0; i < MAX_PRESSES; i++) {
    if ((await focusRelation(page, target)).focused) {
      expect(await focusRing(target)).toEqual({ matches: true, style: 'solid', width: 3 });
      return;
    }
    await page.keyboard.press(key);
  }
  throw new Error(`${String(target)} was not reached with ${key} in ${MAX_PRESSES} presses`);
}

test('the main flow with the keyboard only: demo, broadcast, share, alerts, stop, history, export', async ({ page, stack, context }) => {
  // One long walk of some 20 steps, each a few key presses apart: more time than a single-step test.
  test.setTimeout(90_000);
  // Prepare: copying is allowed; exports take the download path (no native dialog to answer headless)
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: stack.appUrl });
  await page.addInitScript(() => {
    delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
    Object.defineProperty(navigator, 'canShare', { value: undefined });
  });
  await page.goto(stack.appUrl);

  // Act / Assess: start broadcasting, then the demo sensor
  await tabTo(page, page.getByRole('button', { name: 'Start broadcast' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('share-link')).toBeVisible();
  await tabTo(page, page.getByRole('button', { name: 'Try the demo sensor' }));
  await page.keyboard.press('Space');
  await expect(page.getByTestId('stat-count')).not.toHaveText('0');

  // Share: copy the link, set an expiry (Shift+Tab back from the expiry to Copy link, then forward again)
  const link = await page.getByTestId('share-link').inputValue();
  await tabTo(page, page.getByRole('button', { name: 'in 8 hours' }));
  await tabTo(page, page.getByRole('button', { name: 'Copy link' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  await tabTo(page, page.getByRole('button', { name: 'in 8 hours' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('link-expiry')).toBeVisible();

  // The heart rate read on request
  await tabTo(page, page.getByRole('button', { name: 'Read heart rate' }));
  await page.keyboard.press('Space');
  await expect(page.getByTestId('hr-announcement')).toHaveText(/^Heart rate \d+ beats per minute\. Live\./);

  // Alerts: turn on, set the high threshold, save
  await tabTo(page, page.getByTestId('alerts-enabled'));
  await page.keyboard.press('Space');
  await expect(page.getByTestId('alerts-enabled')).toBeChecked();
  await tabTo(page, page.getByTestId('rule-high-bpm'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('175');
  await tabTo(page, page.getByTestId('alert-save'));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('alert-rules-message')).toHaveText('Rules saved.');

  // The chart window and the zones' max heart rate
  await tabTo(page, page.getByRole('radio', { name: '1 min' }));
  await page.keyboard.press('Space');
  await expect(page.getByRole('radio', { name: '1 min' })).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByTestId('chart-summary')).toHaveText(/^Last minute: now \d+ bpm/);
  await tabTo(page, page.getByLabel('Max heart rate'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('180');
  await page.keyboard.press('Enter');
  await expect(page.getByText('Zone 5')).toBeVisible();
  await expect(page.getByTestId('zones')).toContainText('162+');

  // Stop the broadcast, disconnect the demo sensor
  await tabTo(page, page.getByRole('button', { name: 'Stop broadcast' }));
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('control-confirmation')).toHaveAttribute('data-phase', 'confirmed');
  await tabTo(page, page.getByRole('button', { name: 'Disconnect' }));
  await page.keyboard.press('Enter');

  // History: open the session, export it as CSV
  await tabTo(page, page.getByTestId('history-open').first());
  await page.keyboard.press('Enter');
  const detail = page.getByTestId('session-detail');
  await expect(detail.getByTestId('detail-chart-summary')).toHaveText(/^Whole session: last \d+ bpm/);
  await tabTo(page, detail.getByTestId('export-csv'));
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await download).suggestedFilename()).toMatch(/\.csv$/);
  await expect(page.getByTestId('export-status')).toContainText('saved to your downloads');
  await tabTo(page, page.getByRole('link', { name: 'All sessions' }));
});

/**
 * Tabs through the whole page once (until the focus comes round again) and names each control reached. The first
 * control is marked on the element itself, not by its place in the DOM: the page may add elements before it while
 * the round goes on (a status line, the history loading), and the round must still end.
 */
async function tabCycle(page: Page): Promise<string[]> {
  const names: string[] = [];
  await page.evaluate(() => document.querySelector('[data-tab-round-start]')?.removeAttribute('data-tab-round-start'));
  for (let i = 0; i < MAX_PRESSES; i++) {
    await page.keyboard.press('Tab');
    const reached = await page.evaluate(() => {
      const el = document.activeElement;
      if (el === null || el === document.body) return null;
      const cameRound = el.hasAttribute('data-tab-round-start');
      if (document.querySelector('[data-tab-round-start]') === null) el.setAttribute('data-tab-round-start', '');
      const label = el.getAttribute('aria-label') ?? (el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null);
      const name = (label ?? el.textContent ?? '').trim() || (el.getAttribute('data-testid') ?? el.tagName);
      const style = getComputedStyle(el);
      return { cameRound, name, ring: el.matches(':focus-visible') && style.outlineStyle === 'solid' };
    });
    if (reached === null) continue;
    if (reached.cameRound) return names;
    expect(reached.ring, `focus ring on ${reached.name}`).toBe(true);
    names.push(reached.name);
  }
  throw new Error(`the focus did not come round in ${MAX_PRESSES} presses`);
}

test('every action of the broadcaster page is reached with Tab, each with a visible focus ring', async ({ page, stack }) => {
  test.setTimeout(90_000);
  // Prepare
  await page.goto(stack.appUrl);
  await expect(page.getByRole('button', { name: 'Start broadcast' })).toBeVisible();

  // Act / Assess: idle
  expect(await tabCycle(page)).toEqual(expect.arrayContaining(['Connect sensor', 'Try the demo sensor', 'Start broadcast', 'Read heart rate', 'Max heart rate', 'Set']));

  // Act / Assess: live and sharing
  await page.getByRole('button', { name: 'Try the demo sensor' }).click();
  await expect(page.getByTestId('share-link')).toBeVisible();
  expect(await tabCycle(page)).toEqual(
    expect.arrayContaining([
      'Disconnect',
      'Copy link',
      'in 1 hour',
      'in 8 hours',
      'in 24 hours',
      'Turn off link',
      'Stop broadcast',
      'alerts-enabled',
      'Save rules',
      '1 min',
      '5 min',
      '15 min',
      '60 min',
      'Max heart rate',
    ]),
  );
});

import { expect, type Page } from '@playwright/test';

export async function waitForActiveWorker(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const { active } = await navigator.serviceWorker.ready;
    if (active && active.state !== 'activated') {
      await new Promise((resolve) => active.addEventListener('statechange', resolve, { once: true }));
    }
    return active?.state ?? 'none';
  });
}

/** Until the service worker controls the page, so a reload works offline. */
export async function waitUntilControlled(page: Page): Promise<void> {
  await waitForActiveWorker(page);
  // A first visit is not controlled until a reload (clientsClaim is off so an update never swaps code under a live session).
  if (!(await page.evaluate(() => navigator.serviceWorker.controller !== null))) await page.reload();
  await expect.poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
}

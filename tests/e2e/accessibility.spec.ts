import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { test, expect } from './support/app.ts';
import { createTestBroadcast } from './support/stream-writer.ts';

// axe-core's WCAG 2.0/2.1 A and AA rules on the pages and states people see most, at a phone's and a laptop's
// size. A serious or critical violation fails the suite (docs/testing.md "Accessibility").
const SIZES = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'laptop', width: 1280, height: 900 },
] as const;

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

for (const size of SIZES) {
  test.describe(`accessibility at ${size.width}×${size.height}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
    });

    test('broadcaster page, idle and live with the demo sensor', async ({ page, stack }) => {
      // Prepare / Act
      await page.goto(stack.appUrl);
      await expect(page.getByRole('button', { name: 'Start broadcast' })).toBeVisible();

      // Assess: idle
      expect(await seriousViolations(page)).toEqual([]);

      // Act: live; broadcasting starts with the first reading
      await page.getByRole('button', { name: 'Try the demo sensor' }).click();
      await expect(page.getByTestId('stat-count')).not.toHaveText('0');
      await expect(page.getByTestId('share-link')).toBeVisible();

      // Assess
      expect(await seriousViolations(page)).toEqual([]);
    });

    test('viewer page, live and unknown link', async ({ page, stack }) => {
      // Prepare
      const broadcast = createTestBroadcast(stack.kinesisEndpoint);
      await broadcast.send(70, 72);

      // Act / Assess: live
      await page.goto(`${stack.appUrl}/v/${broadcast.viewId}`);
      await expect(page.getByTestId('bpm')).toHaveText('72');
      expect(await seriousViolations(page)).toEqual([]);

      // Act / Assess: a link nobody shared
      await page.goto(`${stack.appUrl}/v/AAAAAAAAAAAAAAAAAAAAAA`);
      await expect(page.getByTestId('viewer-status')).not.toHaveText('');
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}

// The group page (issue 13): empty, with tiles, and in large type for a TV, at both sizes.
for (const size of SIZES) {
  test.describe(`accessibility of the group page at ${size.width}×${size.height}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
    });

    test('group page, empty, with tiles and in large type', async ({ page, stack }) => {
      // Prepare
      const named = createTestBroadcast(stack.kinesisEndpoint);
      const unnamed = createTestBroadcast(stack.kinesisEndpoint);
      await named.control({ name: 'Ann <b>Lee</b>', maxHr: 185 });
      await named.send(150);
      await unnamed.send(95);

      // Act / Assess: empty
      await page.goto(`${stack.appUrl}/g`);
      await expect(page.getByTestId('group-empty')).toBeVisible();
      expect(await seriousViolations(page)).toEqual([]);

      // Act / Assess: with tiles
      await page.goto(`${stack.appUrl}/g?v=${named.viewId},${unnamed.viewId}`);
      await expect(page.getByTestId('tile-bpm')).toHaveText(['150', '95']);
      expect(await seriousViolations(page)).toEqual([]);

      // Act / Assess: large type
      await page.getByTestId('large-toggle').click();
      await expect(page.locator('html')).toHaveClass(/large/);
      expect(await seriousViolations(page)).toEqual([]);
    });
  });
}

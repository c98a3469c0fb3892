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

// Overlays for streaming and their builder (issue 13): the builder on the broadcaster page, and one overlay of
// each style as a browser source shows it.
for (const size of SIZES) {
  test.describe(`accessibility of overlays at ${size.width}×${size.height}`, () => {
    test.beforeEach(async ({ page }) => {
      await page.setViewportSize({ width: size.width, height: size.height });
    });

    test('overlay builder, without and with a share link', async ({ page, stack }) => {
      // Prepare / Act
      await page.goto(stack.appUrl);
      await expect(page.getByTestId('overlay-needs-link')).toBeVisible();
      // Assess: no link yet
      expect(await seriousViolations(page)).toEqual([]);
      // Act: a link, and the graph's extra control
      await page.getByRole('button', { name: 'Start broadcast' }).click();
      await page.getByTestId('overlay-builder').getByRole('radio', { name: 'Graph' }).check();
      await expect(page.getByTestId('overlay-builder').getByLabel('Graph minutes')).toBeVisible();
      // Assess
      expect(await seriousViolations(page)).toEqual([]);
    });

    for (const style of ['number', 'heart', 'graph', 'zone']) {
      test(`overlay: ${style}`, async ({ page, stack }) => {
        // Prepare
        const broadcast = createTestBroadcast(stack.kinesisEndpoint);
        await broadcast.send(150, 152);
        // Act
        await page.goto(`${stack.appUrl}/v/${broadcast.viewId}?overlay=${style}`);
        await expect(page.getByTestId('bpm')).toHaveText('152');
        // Assess
        expect(await seriousViolations(page)).toEqual([]);
      });
    }
  });
}

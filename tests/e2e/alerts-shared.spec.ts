/**
 * Shared alerts end to end, in real Chromium on the whole embedded stack: the broadcaster's page with the
 * emulated sensor shares its rules; the pipeline evaluates them (the consumer for readings, the alert clock
 * for silence); a viewer page shows them. Every step waits for what the person would see.
 */
import type { Page } from '@playwright/test';
import { test, expect, type EmulatedHeartRateSensor } from './support/app.ts';

async function pair(page: Page, sensor: EmulatedHeartRateSensor): Promise<void> {
  await page.getByRole('button', { name: 'Connect sensor' }).click();
  await sensor.waitForSubscription();
  await expect(page.getByTestId('sensor-status')).toHaveText(/Live/);
}

/** Alerts on and shared: high above 150 at once, contact lost at once, no data after 3 s. */
async function shareAlerts(page: Page): Promise<void> {
  await page.getByTestId('alerts-enabled').check();
  await page.getByTestId('rule-high-bpm').fill('150');
  await page.getByTestId('rule-high-for').fill('0');
  await page.getByTestId('rule-contact-for').fill('0');
  await page.getByTestId('rule-no-data-for').fill('3');
  await page.getByTestId('alert-save').click();
  await expect(page.getByTestId('alert-rules-message')).toHaveText('Rules saved.');
  await page.getByTestId('alerts-share').check();
}

const viewerAlert = (viewer: Page, rule: string) => viewer.locator(`[data-testid="alert-banner"][data-source="broadcaster"][data-rule="${rule}"]`);

test('the broadcaster shares alerts: a viewer sees the threshold, contact lost and no data, and nothing once the link is off', async ({ page, stack, sensor }) => {
  // Prepare: a shared broadcast, and a viewer following it
  await page.goto(stack.appUrl);
  await shareAlerts(page);
  await pair(page, sensor);
  await sensor.notify([0x06, 80]);
  await expect(page.getByTestId('alerts-share-status')).toHaveAttribute('data-phase', 'sent');
  const link = await page.getByTestId('share-link').inputValue();
  const viewer = await page.context().newPage();
  await viewer.goto(link);
  await expect(viewer.getByTestId('bpm')).toHaveText('80');
  await expect(viewer.getByTestId('alert-banner')).toHaveCount(0);

  // Act / Assess: over the threshold, then back inside the margin
  await sensor.notify([0x06, 171]);
  await expect(viewerAlert(viewer, 'high')).toContainText("Broadcaster's alert");
  await expect(page.getByTestId('alert-high')).toBeVisible();
  await sensor.notify([0x06, 120]);
  await expect(viewerAlert(viewer, 'high')).toHaveCount(0);

  // Act / Assess: the strap loses skin contact
  await sensor.notify([0x04, 118]);
  await expect(viewerAlert(viewer, 'contact')).toBeVisible();
  await sensor.notify([0x06, 118]);
  await expect(viewerAlert(viewer, 'contact')).toHaveCount(0);

  // Act / Assess: the sensor goes silent; the pipeline's alert clock says so (a long-poll may take its wait)
  await expect(viewerAlert(viewer, 'no-data')).toBeVisible({ timeout: 40_000 });

  // Act / Assess: the link is turned off; the viewer is told, and no alert stays up
  await page.getByRole('button', { name: 'Turn off link' }).click();
  await expect(viewer.getByTestId('alert-banner')).toHaveCount(0, { timeout: 40_000 });
  await expect(viewer.getByTestId('alerts-halt')).toBeVisible();
});

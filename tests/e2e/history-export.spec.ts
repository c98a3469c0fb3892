import { readFile } from 'node:fs/promises';
import { Decoder, Stream, Utils } from '@garmin/fitsdk';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Page } from '@playwright/test';
import { test, expect } from './support/app.ts';
import { parseRfc4180 } from '../unit/export/support/rfc4180.ts';

// Each export of a session recorded from the emulated sensor, saved through the download path and read back with a
// decoder the app does not use (the same ones as the unit tests): what a person uploads is what the sensor sent.

/** The readings the sensor sends: bpm and one RR interval each, in the sensor's 1/1024 s units. */
const SENT = [
  { bpm: 72, rrUnits: 853 },
  { bpm: 75, rrUnits: 819 },
  { bpm: 81, rrUnits: 758 },
  { bpm: 78, rrUnits: 788 },
];
/** The app's RR in ms (src/core/hr-packet.ts: whole milliseconds). */
const RR_MS = SENT.map((r) => Math.round((r.rrUnits * 1000) / 1024));

/** Clicks one export button and returns the downloaded file. */
async function exportFile(page: Page, id: string): Promise<{ name: string; bytes: Buffer }> {
  const download = page.waitForEvent('download');
  await page.getByTestId(`export-${id}`).click();
  const file = await download;
  const path = await file.path();
  await expect(page.getByTestId('export-status')).toContainText('saved to your downloads');
  return { name: file.suggestedFilename(), bytes: await readFile(path) };
}

test.describe('exports of a recorded session', () => {
  test('record, reload, open from history, export every format, decode each and compare; then delete', async ({ page, stack, sensor }) => {
    // Prepare: the download path, as in a browser without a save dialog or a share sheet for files (the dialog
    // is native UI a headless browser cannot answer).
    await page.addInitScript(() => {
      delete (window as { showSaveFilePicker?: unknown }).showSaveFilePicker;
      Object.defineProperty(navigator, 'canShare', { value: undefined });
    });
    await page.goto(stack.appUrl);
    await page.getByRole('button', { name: 'Connect sensor' }).click();
    await sensor.waitForSubscription();
    for (const [i, r] of SENT.entries()) {
      // Flags: RR present (0x10), contact supported (0x04) and detected (0x02).
      await sensor.notify([0x16, r.bpm, r.rrUnits & 0xff, r.rrUnits >> 8]);
      await expect(page.getByTestId('stat-count')).toHaveText(String(i + 1));
    }
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect(page.getByTestId('history-count')).toHaveText(String(SENT.length));
    await page.reload();

    // Act: open it from the list
    await page.getByTestId('history-open').click();
    const detail = page.getByTestId('session-detail');
    await expect(detail.getByTestId('detail-count')).toHaveText(String(SENT.length));
    const csv = await exportFile(page, 'csv');
    const tcx = await exportFile(page, 'tcx');
    const fit = await exportFile(page, 'fit');
    const rr = await exportFile(page, 'rr');

    // Assess: CSV, one row per reading with its bpm, RR and contact
    expect(csv.name).toMatch(/^liveheartrate-\d{4}-\d{2}-\d{2}-\d{4}\.csv$/);
    const [header, ...rows] = parseRfc4180(csv.bytes.toString('utf8'));
    expect(header).toEqual(['time_utc', 'epoch_ms', 'bpm', 'rr_ms', 'contact', 'energy_kj']);
    expect(rows.map((row) => [row[2], row[3], row[4]])).toEqual(SENT.map((r, i) => [String(r.bpm), String(RR_MS[i]), 'detected']));
    const times = rows.map((row) => Number(row[1]));
    expect(rows.map((row) => new Date(row[0] ?? '').getTime())).toEqual(times);

    // Assess: TCX, well-formed XML with a trackpoint per reading at the CSV's times
    expect(XMLValidator.validate(tcx.bytes.toString('utf8'))).toBe(true);
    const parsed = new XMLParser({ parseTagValue: false, isArray: (name) => name === 'Trackpoint' }).parse(tcx.bytes.toString('utf8')) as {
      TrainingCenterDatabase: { Activities: { Activity: { Lap: { Track: { Trackpoint: { Time: string; HeartRateBpm: { Value: string } }[] } } } } };
    };
    const points = parsed.TrainingCenterDatabase.Activities.Activity.Lap.Track.Trackpoint;
    expect(points.map((p) => Number(p.HeartRateBpm.Value))).toEqual(SENT.map((r) => r.bpm));
    expect(points.map((p) => new Date(p.Time).getTime())).toEqual(times);

    // Assess: FIT, accepted by the SDK's decoder after its integrity check, records (whole seconds, FIT's finest)
    // and RR as sent
    const decoder = new Decoder(Stream.fromByteArray(Array.from(fit.bytes)));
    expect(decoder.isFIT()).toBe(true);
    expect(decoder.checkIntegrity()).toBe(true);
    const { messages, errors } = decoder.read();
    expect(errors).toEqual([]);
    expect((messages.recordMesgs ?? []).map((m) => m.heartRate)).toEqual(SENT.map((r) => r.bpm));
    expect((messages.recordMesgs ?? []).map((m) => (m.timestamp as Date).getTime())).toEqual(times.map((t) => Math.floor(t / 1000) * 1000));
    expect((messages.hrvMesgs ?? []).flatMap((m) => m.time ?? []).map((s) => Math.round(s * 1000))).toEqual(RR_MS);
    expect((messages.sessionMesgs ?? []).map((m) => m.maxHeartRate)).toEqual([Math.max(...SENT.map((r) => r.bpm))]);
    expect(Utils.FIT_EPOCH_MS).toBeLessThan(times[0] ?? 0);

    // Assess: RR text, one interval in ms per line
    expect(rr.bytes.toString('utf8').trim().split('\n').map(Number)).toEqual(RR_MS);

    // Act: delete it
    await page.getByRole('link', { name: 'All sessions' }).click();
    await page.getByTestId('history-item').getByRole('button', { name: /^Delete the session/ }).click();
    await page.getByTestId('history-item').getByRole('button', { name: 'Yes, delete' }).click();

    // Assess
    await expect(page.getByTestId('history-empty')).toBeVisible();
  });
});

import { describe, expect, it } from 'vitest';
import { saveExport, type ExportFile, type SaveBrowser } from '../../../src/lib/export/save-export.ts';

// Small stand-ins of the browser APIs the saver chooses between; each records what the page did with it.
interface Recorded {
  pickerOptions?: unknown;
  written: Blob[];
  closed: boolean;
  shared?: ShareData;
  clicked?: { href: string; download: string };
  revoked: string[];
  timers: (() => void)[];
}

function fakeBrowser(options: { picker?: 'ok' | 'cancel' | 'fail'; share?: 'ok' | 'cancel' | 'cannot' }): { browser: SaveBrowser; recorded: Recorded } {
  const recorded: Recorded = { written: [], closed: false, revoked: [], timers: [] };
  const link = { href: '', download: '', click: () => (recorded.clicked = { href: link.href, download: link.download }) };
  const browser: SaveBrowser = {
    navigator: {},
    document: { createElement: () => link },
    URL: { createObjectURL: () => 'blob:export-1', revokeObjectURL: (url) => recorded.revoked.push(url) },
    setTimeout: (callback) => recorded.timers.push(callback),
  };
  if (options.picker) {
    browser.showSaveFilePicker = async (pickerOptions) => {
      recorded.pickerOptions = pickerOptions;
      if (options.picker === 'cancel') throw new DOMException('The user aborted a request.', 'AbortError');
      if (options.picker === 'fail') throw new DOMException('The file could not be written.', 'NotAllowedError');
      return {
        createWritable: async () => ({
          write: async (data) => void recorded.written.push(data),
          close: async () => void (recorded.closed = true),
        }),
      };
    };
  }
  if (options.share) {
    browser.navigator.canShare = (data) => options.share !== 'cannot' && (data.files?.length ?? 0) > 0;
    browser.navigator.share = async (data) => {
      if (options.share === 'cancel') throw new DOMException('Share canceled', 'AbortError');
      recorded.shared = data;
    };
  }
  return { browser, recorded };
}

const CSV: ExportFile = { fileName: 'liveheartrate-2026-11-30-1745.csv', mimeType: 'text/csv', data: 'time_utc\r\n' };
const FIT: ExportFile = { fileName: 'liveheartrate-2026-11-30-1745.fit', mimeType: 'application/vnd.ant.fit', data: new Uint8Array([14, 16, 0xff]) };

describe('saveExport', () => {
  it('writes through the save dialog where the browser has one', async () => {
    // Prepare
    const { browser, recorded } = fakeBrowser({ picker: 'ok', share: 'ok' });

    // Act
    const outcome = await saveExport(FIT, browser);

    // Assess
    expect(outcome).toBe('saved');
    expect(recorded.pickerOptions).toEqual({ suggestedName: FIT.fileName, types: [{ description: 'FIT file', accept: { 'application/vnd.ant.fit': ['.fit'] } }] });
    expect(recorded.written).toHaveLength(1);
    expect(new Uint8Array(await recorded.written[0]!.arrayBuffer())).toEqual(FIT.data);
    expect(recorded.closed).toBe(true);
    expect(recorded.shared).toBeUndefined();
    expect(recorded.clicked).toBeUndefined();
  });

  it('says cancelled, not failed, when the person closes the save dialog', async () => {
    // Prepare
    const { browser, recorded } = fakeBrowser({ picker: 'cancel' });

    // Act
    const outcome = await saveExport(CSV, browser);

    // Assess
    expect(outcome).toBe('cancelled');
    expect(recorded.clicked).toBeUndefined();
  });

  it('passes on any other failure of the save dialog', async () => {
    // Prepare
    const { browser } = fakeBrowser({ picker: 'fail' });

    // Act, Assess
    await expect(saveExport(CSV, browser)).rejects.toThrow('The file could not be written.');
  });

  it('hands the file to the share sheet on a phone without the save dialog', async () => {
    // Prepare
    const { browser, recorded } = fakeBrowser({ share: 'ok' });

    // Act
    const outcome = await saveExport(CSV, browser);

    // Assess
    expect(outcome).toBe('shared');
    const file = recorded.shared?.files?.[0];
    expect(file?.name).toBe(CSV.fileName);
    expect(file?.type).toBe('text/csv');
    expect(await file?.text()).toBe(CSV.data);
    expect(recorded.clicked).toBeUndefined();
  });

  it('says cancelled when the person dismisses the share sheet', async () => {
    // Prepare
    const { browser } = fakeBrowser({ share: 'cancel' });

    // Act, Assess
    expect(await saveExport(CSV, browser)).toBe('cancelled');
  });

  it('downloads through a link when the browser can neither save nor share files, and frees the URL later', async () => {
    // Prepare
    const { browser, recorded } = fakeBrowser({ share: 'cannot' });

    // Act
    const outcome = await saveExport(CSV, browser);

    // Assess
    expect(outcome).toBe('downloaded');
    expect(recorded.clicked).toEqual({ href: 'blob:export-1', download: CSV.fileName });
    expect(recorded.revoked).toEqual([]);
    recorded.timers.forEach((run) => run());
    expect(recorded.revoked).toEqual(['blob:export-1']);
  });
});

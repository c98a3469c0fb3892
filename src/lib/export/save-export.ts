// Puts an export file where the person wants it, the best way the browser offers: the File System Access save
// dialog where there is one (desktop Chromium), the share sheet with the file on phones (Web Share level 2: into
// Strava, Garmin Connect, Files, a message), else an ordinary download. The browser is passed in (a window-like
// object) so each path is tested with small stand-ins of these APIs.

export interface ExportFile {
  fileName: string;
  mimeType: string;
  data: string | Uint8Array;
}

/** saved: written where the person chose; shared: handed to the share sheet; downloaded: the browser's downloads. */
export type SaveOutcome = 'saved' | 'shared' | 'downloaded' | 'cancelled';

interface WritableFile {
  write(data: Blob): Promise<void>;
  close(): Promise<void>;
}

interface SavePickerOptions {
  suggestedName: string;
  types: { description: string; accept: Record<string, string[]> }[];
}

/** The parts of `window` this module uses. */
export interface SaveBrowser {
  showSaveFilePicker?: (options: SavePickerOptions) => Promise<{ createWritable(): Promise<WritableFile> }>;
  navigator: { canShare?: (data: ShareData) => boolean; share?: (data: ShareData) => Promise<void> };
  document: { createElement(tag: 'a'): Pick<HTMLAnchorElement, 'href' | 'download' | 'click'> };
  URL: { createObjectURL(blob: Blob): string; revokeObjectURL(url: string): void };
  setTimeout(callback: () => void, ms: number): unknown;
}

// The download must have started before its object URL goes; browsers give no event for that, so it is released a
// minute later (a small file in memory until then).
const REVOKE_AFTER_MS = 60_000;

export async function saveExport(file: ExportFile, browser: SaveBrowser): Promise<SaveOutcome> {
  const blob = new Blob([file.data as BlobPart], { type: file.mimeType });
  try {
    if (browser.showSaveFilePicker) return await saveWithPicker(file, blob, browser.showSaveFilePicker);
    const shared = new File([blob], file.fileName, { type: file.mimeType });
    if (browser.navigator.share && browser.navigator.canShare?.({ files: [shared] })) {
      await browser.navigator.share({ files: [shared], title: file.fileName });
      return 'shared';
    }
  } catch (error) {
    // The person closed the dialog or the share sheet: their choice, not a failure.
    if (error instanceof DOMException && error.name === 'AbortError') return 'cancelled';
    throw error;
  }
  download(file.fileName, blob, browser);
  return 'downloaded';
}

async function saveWithPicker(file: ExportFile, blob: Blob, showSaveFilePicker: NonNullable<SaveBrowser['showSaveFilePicker']>): Promise<SaveOutcome> {
  const extension = file.fileName.slice(file.fileName.lastIndexOf('.'));
  const handle = await showSaveFilePicker({ suggestedName: file.fileName, types: [{ description: `${extension.slice(1).toUpperCase()} file`, accept: { [file.mimeType]: [extension] } }] });
  const writable = await handle.createWritable();
  await writable.write(blob);
  await writable.close();
  return 'saved';
}

function download(fileName: string, blob: Blob, browser: SaveBrowser): void {
  const url = browser.URL.createObjectURL(blob);
  const link = browser.document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  browser.setTimeout(() => browser.URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}

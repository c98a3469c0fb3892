// Files the embedded stack must find whole after a power cut: a file is written under a temporary name, synced,
// renamed over its name, and the folder that lists it synced too. Without the syncs a rename can reach the disk
// before the data it names, and the file comes back empty.
import { open, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** Replaces `path` with `body`: readers see the old file or the new one, never half of one, even after a crash. */
export async function replaceFileDurably(path: string, body: string): Promise<void> {
  const temp = `${path}.tmp`;
  await writeFile(temp, body);
  await publishFileDurably(temp, path);
}

/** Syncs the finished `temp`, renames it to `path`, and syncs the folder that now lists it. */
export async function publishFileDurably(temp: string, path: string): Promise<void> {
  await syncPath(temp, 'r+');
  await rename(temp, path);
  await syncPath(dirname(path), 'r');
}

async function syncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const handle = await open(path, flags);
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

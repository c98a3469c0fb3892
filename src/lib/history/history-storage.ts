// How much the browser stores for this site and whether it may evict it: history is the one thing on the device
// that nothing else holds a copy of, so the person sees both and can ask for persistence.
import type { StorageManagerLike } from '../uplink/storage-watch.ts';

export interface StorageReport {
  /** Bytes used by this origin (all its storage, not history alone) and the browser's quota, when it says. */
  usage: number | null;
  quota: number | null;
  persisted: boolean;
}

export async function readStorage(storage: StorageManagerLike | null): Promise<StorageReport | null> {
  if (!storage) return null;
  try {
    const [estimate, persisted] = await Promise.all([storage.estimate(), storage.persisted()]);
    return { usage: finiteOrNull(estimate.usage), quota: finiteOrNull(estimate.quota), persisted };
  } catch {
    return null;
  }
}

function finiteOrNull(value: number | undefined): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
}

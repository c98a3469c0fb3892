// Watches the browser's storage for the outbox: whether it may be evicted, and how many hours of readings
// still fit. Persistence is asked for once a session has readings, not at page load: that is when eviction
// would cost something, and browsers that prompt should prompt for a reason.
import { isStorageShort, storageHeadroomHours, type StorageEstimateLike } from '../../core/uplink-rules.ts';
import type { StorageStatus } from './uplink-status.ts';

export interface StorageManagerLike {
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
  estimate(): Promise<StorageEstimateLike>;
}

export type StorageFindings = Pick<StorageStatus, 'persisted' | 'headroomHours' | 'short'>;

// Storage is checked again after this many stored readings (about 10 minutes of a session).
const CHECK_EVERY_READINGS = 600;

export class StorageWatch {
  private storedSinceCheck = 0;
  private persistAsked = false;

  constructor(
    private readonly storage: StorageManagerLike | null,
    private readonly report: (findings: StorageFindings) => void,
  ) {}

  /** Readings reached the outbox: ask for persistence at the first, and look again every so often. */
  readingsStored(count: number): void {
    if (count === 0) return;
    this.storedSinceCheck += count;
    if (this.persistAsked && this.storedSinceCheck < CHECK_EVERY_READINGS) return;
    this.storedSinceCheck = 0;
    void this.check(true);
  }

  /** Looks at persistence and headroom now; asks for persistence only when `askPersist` and not asked yet. */
  async check(askPersist: boolean): Promise<void> {
    const storage = this.storage;
    if (!storage) return;
    try {
      let persisted = await storage.persisted();
      if (!persisted && askPersist && !this.persistAsked) {
        this.persistAsked = true;
        persisted = await storage.persist();
      }
      const estimate = await storage.estimate();
      this.report({ persisted, headroomHours: storageHeadroomHours(estimate), short: isStorageShort(estimate) });
    } catch {
      // No storage manager answer is not itself a problem; write failures are reported where they happen.
    }
  }
}

import { describe, expect, it } from 'vitest';
import { StorageWatch, type StorageFindings, type StorageManagerLike } from '../../../src/lib/uplink/storage-watch.ts';

/** A storage manager that logs each call; persist() is granted when `grant` says so. */
function createStorage(grant: boolean): { storage: StorageManagerLike; calls: string[] } {
  const calls: string[] = [];
  let persisted = false;
  const storage: StorageManagerLike = {
    persisted: async () => (calls.push('persisted'), persisted),
    persist: async () => (calls.push('persist'), (persisted = grant)),
    estimate: async () => (calls.push('estimate'), { usage: 0, quota: 100 * 1024 * 1024 }),
  };
  return { storage, calls };
}

describe('StorageWatch', () => {
  it('asks for persistence at the first stored reading only, then looks again every 600 readings', async () => {
    // Prepare
    const { storage, calls } = createStorage(false);
    const findings: StorageFindings[] = [];
    const watch = new StorageWatch(storage, (f) => findings.push(f));

    // Act
    watch.readingsStored(1);
    await expect.poll(() => findings.length).toBe(1);
    watch.readingsStored(598);
    watch.readingsStored(0);
    const looksBefore = calls.filter((c) => c === 'estimate').length;
    watch.readingsStored(2);
    await expect.poll(() => findings.length).toBe(2);

    // Assess
    expect(looksBefore).toBe(1);
    expect(calls.filter((c) => c === 'persist')).toHaveLength(1);
    expect(findings[1]).toEqual({ persisted: false, headroomHours: (100 * 1024 * 1024) / 1024 / 3600, short: false });
  });

  it('does not ask for persistence when only looking, as at page load', async () => {
    // Prepare
    const { storage, calls } = createStorage(true);
    const findings: StorageFindings[] = [];
    const watch = new StorageWatch(storage, (f) => findings.push(f));

    // Act
    await watch.check(false);

    // Assess
    expect(calls).toEqual(['persisted', 'estimate']);
    expect(findings).toEqual([{ persisted: false, headroomHours: expect.any(Number), short: false }]);
  });

  it('reports nothing, and does not throw, when the storage manager fails or is missing', async () => {
    // Prepare
    const findings: StorageFindings[] = [];
    const failing: StorageManagerLike = {
      persisted: () => Promise.reject(new Error('no answer')),
      persist: () => Promise.reject(new Error('no answer')),
      estimate: () => Promise.reject(new Error('no answer')),
    };

    // Act
    await new StorageWatch(failing, (f) => findings.push(f)).check(true);
    await new StorageWatch(null, (f) => findings.push(f)).check(true);

    // Assess
    expect(findings).toEqual([]);
  });
});

// A LiveStore wrapper that fails on demand, to replay what a throttled or unavailable store does to a batch.
import type { LiveStore, LiveWrite, WriteResult } from '../../../../functions/store/live-store.ts';

export type Fault =
  /** The whole call throws before anything is written (a network error). */
  | { kind: 'throw' }
  /** Items from this index on fail; the ones before are really written (a bulk answer with 429 items). */
  | { kind: 'fail-from'; index: number }
  /** Only these items fail; all others, later ones included, are written (429s scattered through a bulk answer). */
  | { kind: 'fail-only'; indexes: readonly number[] };

export interface FaultyStore extends LiveStore {
  /** Faults applied to the next calls, one per call, in order. */
  faults: Fault[];
  calls: number;
}

export function createFaultyStore(inner: LiveStore): FaultyStore {
  const store: FaultyStore = {
    faults: [],
    calls: 0,
    async writeBatch(items: readonly LiveWrite[]): Promise<WriteResult[]> {
      store.calls++;
      const fault = store.faults.shift();
      if (fault === undefined) return inner.writeBatch(items);
      if (fault.kind === 'throw') throw new Error('store unavailable');
      const fails = (i: number): boolean => (fault.kind === 'fail-from' ? i >= fault.index : fault.indexes.includes(i));
      const kept = items.filter((_, i) => !fails(i));
      const written = await inner.writeBatch(kept);
      let next = 0;
      return items.map((_, i): WriteResult => (fails(i) ? { status: 'failed', error: 'throttled (429)' } : (written[next++] as WriteResult)));
    },
    getSession: (viewId) => inner.getSession(viewId),
    getReadings: (viewId, after, limit) => inner.getReadings(viewId, after, limit),
    close: () => inner.close(),
  };
  return store;
}

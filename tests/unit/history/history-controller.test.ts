import { afterEach, describe, expect, it } from 'vitest';
import { HistoryController } from '../../../src/lib/history/history-controller.ts';
import { toStoredChunk } from '../../../src/lib/history/session-chunk.ts';
import { addToSessionSummary, createSummary } from '../../../src/lib/history/session-summary.ts';
import type { HistoryStore } from '../../../src/lib/history/history-store.ts';
import type { StorageManagerLike } from '../../../src/lib/uplink/storage-watch.ts';
import { T0, closeStores, openStore, readings } from './support.ts';

afterEach(closeStores);

async function seed(store: HistoryStore, id: string, count: number, from: number) {
  const list = readings(count, from);
  const summary = createSummary(id, from, 190);
  for (const r of list) addToSessionSummary(summary, r);
  await store.save(summary, toStoredChunk(id, 0, list));
  return summary;
}

function fakeStorage(persistAnswer: boolean): StorageManagerLike & { persisted(): Promise<boolean> } {
  let persisted = false;
  return {
    persisted: () => Promise.resolve(persisted),
    persist: () => {
      persisted = persistAnswer;
      return Promise.resolve(persistAnswer);
    },
    estimate: () => Promise.resolve({ usage: 2048, quota: 1_000_000 }),
  };
}

describe('HistoryController', () => {
  it('lists the stored sessions with the storage report', async () => {
    // Prepare
    const store = openStore();
    await seed(store, 'a', 3, T0);
    await seed(store, 'b', 4, T0 + 60_000);
    const controller = new HistoryController(store, fakeStorage(true));

    // Act
    await controller.refresh();

    // Assess
    const s = controller.snapshot;
    expect(s.status).toBe('ready');
    expect(s.sessions.map((x) => x.id)).toEqual(['b', 'a']);
    expect(s.storage).toEqual({ usage: 2048, quota: 1_000_000, persisted: false });
  });

  it('opens a session, says when one is missing, and closes it', async () => {
    // Prepare
    const store = openStore();
    await seed(store, 'a', 3, T0);
    const controller = new HistoryController(store, null);

    // Act / Assess
    await controller.open('a');
    expect(controller.snapshot.openStatus).toBe('ready');
    expect(controller.snapshot.opened?.series.length).toBe(3);
    await controller.open('gone');
    expect(controller.snapshot).toMatchObject({ openStatus: 'missing', opened: null });
    await controller.open(null);
    expect(controller.snapshot.openStatus).toBe('none');
  });

  it('deletes one session and then all, from the store and from the list', async () => {
    // Prepare
    const store = openStore();
    await seed(store, 'a', 3, T0);
    await seed(store, 'b', 3, T0 + 60_000);
    const controller = new HistoryController(store, null);
    await controller.refresh();
    await controller.open('a');

    // Act
    await controller.delete('a');

    // Assess
    expect(controller.snapshot.sessions.map((x) => x.id)).toEqual(['b']);
    expect(controller.snapshot.openStatus).toBe('missing');
    expect((await store.list()).map((x) => x.id)).toEqual(['b']);

    // Act
    await controller.deleteAll();

    // Assess
    expect(controller.snapshot.sessions).toEqual([]);
    expect(await store.list()).toEqual([]);
  });

  it('puts a session the recorder saved into the list in start order without reading the store', async () => {
    // Prepare
    const store = openStore();
    const controller = new HistoryController(store, null);
    await controller.refresh();
    const newer = createSummary('n', T0 + 1000, 190);
    const older = createSummary('o', T0, 190);

    // Act
    controller.sessionSaved(older);
    controller.sessionSaved(newer);
    controller.sessionSaved({ ...older, readings: 9 });

    // Assess
    expect(controller.snapshot.sessions.map((x) => [x.id, x.readings])).toEqual([
      ['n', 0],
      ['o', 9],
    ]);
  });

  it('asks for persistence and reports what the browser decided', async () => {
    // Prepare
    const controller = new HistoryController(openStore(), fakeStorage(true));

    // Act
    await controller.persist();

    // Assess
    expect(controller.snapshot.storage?.persisted).toBe(true);
  });

  it('reports a store that cannot be read as a problem, not a crash', async () => {
    // Prepare
    const broken: Pick<HistoryStore, 'list' | 'load' | 'delete' | 'deleteAll'> = {
      list: () => Promise.reject(new Error('closed')),
      load: () => Promise.reject(new Error('closed')),
      delete: () => Promise.reject(new Error('closed')),
      deleteAll: () => Promise.reject(new Error('closed')),
    };
    const controller = new HistoryController(broken, null);

    // Act
    await controller.refresh();
    await controller.open('a');

    // Assess
    expect(controller.snapshot.status).toBe('failed');
    expect(controller.snapshot.problem).toBe('Could not open the session.');
  });
});

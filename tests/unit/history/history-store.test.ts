import { afterEach, describe, expect, it } from 'vitest';
import { readingAt, seriesFromReadings } from '../../../src/core/session-series.ts';
import { toStoredChunk } from '../../../src/lib/history/session-chunk.ts';
import { addToSessionSummary, createSummary } from '../../../src/lib/history/session-summary.ts';
import { HISTORY_SCHEMA } from '../../../src/lib/history/history-store.ts';
import { T0, closeStores, openStore, readings } from './support.ts';

afterEach(closeStores);

function summaryOf(id: string, list: ReturnType<typeof readings>) {
  const summary = createSummary(id, list[0]?.receivedAt ?? T0, 190);
  for (const r of list) addToSessionSummary(summary, r);
  return summary;
}

describe('HistoryStore', () => {
  it('loads a session saved in chunks as one series, reading for reading', async () => {
    // Prepare
    const store = openStore();
    const list = readings(150);
    const summary = summaryOf('a', list);

    // Act: chunks saved out of order, as a retried write could
    await store.save(summary, toStoredChunk('a', 2, list.slice(120)));
    await store.save(summary, toStoredChunk('a', 0, list.slice(0, 60)));
    await store.save(summary, toStoredChunk('a', 1, list.slice(60, 120)));
    const loaded = await store.load('a');

    // Assess
    const expected = seriesFromReadings(list.map((r) => ({ t: r.receivedAt, ...r.reading })));
    expect(loaded?.droppedChunks).toBe(0);
    expect(loaded?.summary).toEqual(summary);
    expect(loaded?.series).toEqual(expected);
    expect(readingAt(loaded!.series, 149)).toEqual({ t: T0 + 149_000, bpm: 60 + 29, contact: 'detected', energyKj: 149, rrMs: [800 + (149 % 7), 810] });
  });

  it('lists summaries newest first, and a missing session loads as null', async () => {
    // Prepare
    const store = openStore();
    const older = readings(3, T0);
    const newer = readings(3, T0 + 3_600_000);

    // Act
    await store.save(summaryOf('new', newer), toStoredChunk('new', 0, newer));
    await store.save(summaryOf('old', older), toStoredChunk('old', 0, older));

    // Assess
    expect((await store.list()).map((s) => s.id)).toEqual(['new', 'old']);
    expect(await store.load('nope')).toBeNull();
  });

  it('deletes one session with all its chunks, then all of them', async () => {
    // Prepare
    const store = openStore();
    const list = readings(120);
    await store.save(summaryOf('a', list), toStoredChunk('a', 0, list.slice(0, 60)));
    await store.save(summaryOf('a', list), toStoredChunk('a', 1, list.slice(60)));
    await store.save(summaryOf('b', list), toStoredChunk('b', 0, list));

    // Act
    await store.delete('a');

    // Assess
    expect((await store.list()).map((s) => s.id)).toEqual(['b']);
    expect(await store.load('a')).toBeNull();
    expect((await store.load('b'))?.series.length).toBe(120);

    // Act
    await store.deleteAll();

    // Assess
    expect(await store.list()).toEqual([]);
    expect(await store.load('b')).toBeNull();
  });

  it('leaves out and counts a damaged chunk instead of failing the whole session', async () => {
    // Prepare
    const store = openStore();
    const list = readings(120);
    await store.save(summaryOf('a', list), toStoredChunk('a', 0, list.slice(0, 60)));
    const damaged = { ...toStoredChunk('a', 1, list.slice(60)), bpm: new Uint16Array(3) };
    await store.save(summaryOf('a', list), damaged);

    // Act
    const loaded = await store.load('a');

    // Assess
    expect(loaded?.droppedChunks).toBe(1);
    expect(loaded?.series.length).toBe(60);
    expect(loaded?.series.rrStart[60]).toBe(120);
  });

  it('names its own database, apart from the outbox', () => {
    expect(HISTORY_SCHEMA.dbName).not.toBe('liveheartrate-uplink');
  });
});

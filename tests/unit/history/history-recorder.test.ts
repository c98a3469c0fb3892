import { afterEach, describe, expect, it } from 'vitest';
import { HistoryController } from '../../../src/lib/history/history-controller.ts';
import { HistoryRecorder } from '../../../src/lib/history/history-recorder.ts';
import type { HistoryStore } from '../../../src/lib/history/history-store.ts';
import { SESSION_GAP_MS, type SessionSummary } from '../../../src/lib/history/session-summary.ts';
import { T0, closeStores, manualTimer, openStore, readings } from './support.ts';

afterEach(closeStores);

function recorderOn(store: Pick<HistoryStore, 'save'>, timer = manualTimer()) {
  const saved: SessionSummary[] = [];
  const failures: unknown[] = [];
  let ids = 0;
  const recorder = new HistoryRecorder({
    store,
    maxHr: () => 190,
    newId: () => `s${++ids}`,
    every: timer.every,
    saved: (s) => saved.push(s),
    failed: (e) => failures.push(e),
  });
  return { recorder, saved, failures, timer };
}

describe('HistoryRecorder', () => {
  it('stores nothing until a flush, then every reading so far, across several chunks', async () => {
    // Prepare
    const store = openStore();
    const { recorder, timer } = recorderOn(store);
    for (const r of readings(130)) recorder.add(r);
    expect(await store.list()).toEqual([]);

    // Act
    timer.tick();
    await recorder.flush();

    // Assess
    const loaded = await store.load('s1');
    expect(loaded?.series.length).toBe(130);
    expect(loaded?.summary.readings).toBe(130);
    expect(Array.from(loaded!.series.t.subarray(0, 3))).toEqual([T0, T0 + 1000, T0 + 2000]);
  });

  it('keeps writing the same session after a flush, with no reading twice', async () => {
    // Prepare
    const store = openStore();
    const { recorder } = recorderOn(store);
    const list = readings(100);

    // Act: a flush in the middle of a chunk, then more readings into it and the next
    for (const r of list.slice(0, 30)) recorder.add(r);
    await recorder.flush();
    for (const r of list.slice(30)) recorder.add(r);
    await recorder.flush();

    // Assess
    const loaded = await store.load('s1');
    expect(Array.from(loaded!.series.t)).toEqual(list.map((r) => r.receivedAt));
    expect((await store.list()).length).toBe(1);
  });

  it('starts a new session when the person stops the sensor, and after a gap of more than 30 minutes', async () => {
    // Prepare
    const store = openStore();
    const { recorder } = recorderOn(store);

    // Act
    for (const r of readings(2, T0)) recorder.add(r);
    await recorder.end();
    for (const r of readings(3, T0 + 10_000)) recorder.add(r);
    for (const r of readings(4, T0 + 12_000 + SESSION_GAP_MS + 1)) recorder.add(r);
    await recorder.flush();

    // Assess
    const list = await store.list();
    expect(list.map((s) => [s.id, s.readings])).toEqual([
      ['s3', 4],
      ['s2', 3],
      ['s1', 2],
    ]);
  });

  it('keeps readings whose write failed and stores them with the next flush', async () => {
    // Prepare
    const store = openStore();
    let refuse = true;
    const flaky: Pick<HistoryStore, 'save'> = {
      save: (summary, chunk) => (refuse ? Promise.reject(new DOMException('full', 'QuotaExceededError')) : store.save(summary, chunk)),
    };
    const { recorder, failures, saved } = recorderOn(flaky);
    for (const r of readings(5)) recorder.add(r);

    // Act
    await recorder.flush();
    refuse = false;
    await recorder.flush();

    // Assess
    expect(failures).toHaveLength(1);
    expect(saved.map((s) => s.readings)).toEqual([5]);
    expect((await store.load('s1'))?.series.length).toBe(5);
  });

  it('reports the summary as it was written, not as later readings changed it', async () => {
    // Prepare
    const store = openStore();
    const { recorder, saved } = recorderOn(store);
    for (const r of readings(3)) recorder.add(r);

    // Act
    const written = recorder.flush();
    recorder.add(readings(4)[3]!);
    await written;

    // Assess
    expect(saved[0]?.readings).toBe(3);
  });

  it('ignores a reading without a usable time and stops its timer on dispose', async () => {
    // Prepare
    const store = openStore();
    const { recorder, timer } = recorderOn(store);

    // Act
    recorder.add({ reading: { bpm: 80, contact: 'detected', rrMs: [] }, receivedAt: Number.NaN });
    await recorder.dispose();

    // Assess
    expect(await store.list()).toEqual([]);
    expect(timer.stopped()).toBe(true);
  });
});

describe('deleting the session being recorded', () => {
  it('does not bring it back with the next write; the next reading starts a new session', async () => {
    // Prepare
    const store = openStore();
    const { recorder } = recorderOn(store);
    const controller = new HistoryController(store, null, (id) => recorder.forget(id));
    const list = readings(10);
    for (const r of list.slice(0, 5)) recorder.add(r);
    await recorder.flush();
    recorder.add(list[5]!);

    // Act
    await controller.delete('s1');
    await recorder.flush();
    recorder.add(list[6]!);
    await recorder.flush();

    // Assess
    expect((await store.list()).map((s) => [s.id, s.readings])).toEqual([['s2', 1]]);
    expect(await store.load('s1')).toBeNull();
  });

  it('lets go of the current session on delete all too', async () => {
    // Prepare
    const store = openStore();
    const { recorder } = recorderOn(store);
    const controller = new HistoryController(store, null, (id) => recorder.forget(id));
    for (const r of readings(3)) recorder.add(r);

    // Act
    await controller.deleteAll();
    await recorder.flush();

    // Assess
    expect(await store.list()).toEqual([]);
  });

  it('keeps recording when another session is deleted', async () => {
    // Prepare
    const store = openStore();
    const { recorder } = recorderOn(store);
    const controller = new HistoryController(store, null, (id) => recorder.forget(id));
    for (const r of readings(3)) recorder.add(r);

    // Act
    await controller.delete('other');
    recorder.add(readings(4)[3]!);
    await recorder.flush();

    // Assess
    expect((await store.list()).map((s) => [s.id, s.readings])).toEqual([['s1', 4]]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import type { AppendResult, OutboxItem } from '../../../src/lib/uplink/outbox.ts';
import { Outbox } from '../../../src/lib/uplink/outbox.ts';
import { WriteQueue } from '../../../src/lib/uplink/write-queue.ts';
import { seqsIn, timedReading, uniqueDbName } from './support.ts';

const opened: Array<{ outbox: Outbox; queue: WriteQueue }> = [];

afterEach(async () => {
  for (const { outbox, queue } of opened.splice(0)) {
    await queue.stop();
    await outbox.close();
  }
});

const reading = (bpm: number, i: number): OutboxItem => ({ kind: 'reading', reading: timedReading(bpm, i) });

/** A write queue on a real (fake-indexeddb) outbox whose first `failures` writes fail with a full disk. */
function createRig(failures = 0, retryMs = 60_000) {
  const outbox = new Outbox(uniqueDbName());
  let left = failures;
  const appends: number[] = [];
  const stored: Array<{ items: number; result: AppendResult }> = [];
  const failed: unknown[] = [];
  const queue = new WriteQueue({
    outbox: {
      append: (items) => {
        appends.push(items.length);
        return left-- > 0 ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : outbox.append(items);
      },
    },
    onStored: (items, result) => stored.push({ items: items.length, result }),
    onFailed: (error) => failed.push(error),
    retryMs,
  });
  opened.push({ outbox, queue });
  return { outbox, queue, appends, stored, failed };
}

describe('WriteQueue', () => {
  it('stores items that arrive during a write together, in one later write, in order', async () => {
    // Prepare
    const { outbox, queue, appends } = createRig();

    // Act: the first write is under way when the next two arrive.
    queue.add(reading(60, 0));
    queue.add(reading(61, 1));
    queue.add(reading(62, 2));
    await queue.settled();

    // Assess
    expect(appends).toEqual([1, 2]);
    expect(await seqsIn(outbox)).toEqual([0, 1, 2]);
    expect(queue.length).toBe(0);
  });

  it('keeps items through a failed write and stores them first, with the next item', async () => {
    // Prepare
    const { outbox, queue, failed, stored } = createRig(1);

    // Act
    queue.add(reading(60, 0));
    await queue.settled();
    const heldAfterFailure = queue.length;
    queue.add(reading(61, 1));
    await queue.settled();

    // Assess
    expect(failed).toEqual([expect.objectContaining({ name: 'QuotaExceededError' })]);
    expect(heldAfterFailure).toBe(1);
    expect(stored.map((s) => s.items)).toEqual([2]);
    expect(await seqsIn(outbox)).toEqual([0, 1]);
  });

  it('tries a failed write again by itself when no new item comes', async () => {
    // Prepare
    const { outbox, queue, appends } = createRig(1, 1);

    // Act
    queue.add(reading(60, 0));

    // Assess
    await expect.poll(() => seqsIn(outbox)).toEqual([0]);
    expect(appends).toEqual([1, 1]);
    expect(queue.length).toBe(0);
  });

  it('resolves a waiting caller once its items are stored, and rejects at once when storing fails', async () => {
    // Prepare
    const { queue } = createRig(1);

    // Act
    const first = queue.addAndWait({ kind: 'start', at: 1 });
    const firstOutcome = await first.then(
      () => 'stored',
      (error: unknown) => (error as DOMException).name,
    );
    const second = queue.addAndWait({ kind: 'end', at: 2 });

    // Assess
    expect(firstOutcome).toBe('QuotaExceededError');
    await expect(second).resolves.toBeUndefined();
    expect(queue.length).toBe(0);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { UPLINK_BACKOFF, fullJitterDelay } from '../../../src/core/backoff.ts';
import { createInTabLockRunner, type LockRunner } from '../../../src/lib/uplink/flush-lock.ts';
import { Flusher, type FlushEvent } from '../../../src/lib/uplink/flusher.ts';
import { Outbox } from '../../../src/lib/uplink/outbox.ts';
import { SendFailure } from '../../../src/lib/uplink/record-sender.ts';
import { FakeSender, acceptAll, fillOutbox, readings, seqsIn, uniqueDbName, type Answer } from './support.ts';

interface Rig {
  outbox: Outbox;
  sender: FakeSender;
  flusher: Flusher;
  events: FlushEvent[];
  delays: number[];
  online: { value: boolean };
}

const rigs: Rig[] = [];

afterEach(async () => {
  for (const rig of rigs.splice(0)) {
    await rig.flusher.stop();
    await rig.outbox.close();
  }
});

/** A flusher on a real (fake-indexeddb) outbox. Backoff delays resolve at once unless `delay` says otherwise. */
function createRig(opts: { answer?: Answer; dbName?: string; withLock?: LockRunner; delay?: (ms: number) => Promise<void>; random?: () => number } = {}): Rig {
  const outbox = new Outbox(opts.dbName ?? uniqueDbName());
  const sender = new FakeSender(opts.answer);
  const events: FlushEvent[] = [];
  const delays: number[] = [];
  const online = { value: true };
  const flusher = new Flusher({
    outbox,
    getSender: async () => sender,
    withLock: opts.withLock ?? createInTabLockRunner(),
    isOnline: () => online.value,
    delay: (ms) => {
      delays.push(ms);
      return opts.delay ? opts.delay(ms) : Promise.resolve();
    },
    random: opts.random ?? (() => 0.5),
    report: (event) => events.push(event),
  });
  const rig = { outbox, sender, flusher, events, delays, online };
  rigs.push(rig);
  return rig;
}

/** Fails the entries whose seq is listed, on the given call only. */
function failOnCall(call: number, failing: Record<number, string>): Answer {
  return (entries, n) => {
    if (n !== call) return acceptAll(entries, n);
    return {
      acked: entries.filter((e) => failing[e.seq] === undefined),
      failed: entries.filter((e) => failing[e.seq] !== undefined).map((entry) => ({ entry, code: failing[entry.seq] ?? '' })),
    };
  };
}

const never = (): Promise<void> => new Promise(() => {});

describe('Flusher', () => {
  it('sends a stored reading at once, with no timer in the way', async () => {
    // Prepare
    const { outbox, sender, flusher, delays, events } = createRig();
    await fillOutbox(outbox, 1);

    // Act
    flusher.kick();
    await flusher.whenIdle();

    // Assess
    expect(sender.calls).toEqual([[0]]);
    expect(delays).toEqual([]);
    expect(await outbox.count()).toBe(0);
    expect(events.at(-1)).toEqual({ type: 'drained' });
  });

  it('sends a backlog oldest first in batches of 500', async () => {
    // Prepare
    const { outbox, sender, flusher } = createRig();
    await fillOutbox(outbox, 1_201);

    // Act
    flusher.kick();
    await flusher.whenIdle();

    // Assess
    expect(sender.calls.map((call) => call.length)).toEqual([500, 500, 201]);
    expect(sender.sent).toEqual(Array.from({ length: 1_201 }, (_, i) => i));
    expect(await outbox.count()).toBe(0);
  });

  it('keeps exactly the failed entries of a partial failure and resends only those', async () => {
    // Prepare
    const { outbox, sender, flusher, events } = createRig({
      answer: failOnCall(0, { 1: 'ProvisionedThroughputExceededException', 3: 'InternalFailure' }),
      delay: never,
    });
    await fillOutbox(outbox, 5);

    // Act: the first answer fails two entries; the flusher is then waiting out its backoff.
    flusher.kick();
    await expect.poll(() => events.some((e) => e.type === 'retrying')).toBe(true);
    const heldBack = await seqsIn(outbox);
    flusher.resume();
    await flusher.whenIdle();

    // Assess
    expect(heldBack).toEqual([1, 3]);
    expect(sender.calls).toEqual([
      [0, 1, 2, 3, 4],
      [1, 3],
    ]);
    expect(events).toContainEqual({ type: 'retrying', reason: 'throttled', attempt: 1, delayMs: expect.any(Number), failed: 2 });
    expect(await outbox.count()).toBe(0);
  });

  it('resends a failed entry together with newer ones, never an acknowledged one', async () => {
    // Prepare
    const { outbox, sender, flusher } = createRig({ answer: failOnCall(0, { 0: 'InternalFailure' }) });
    await fillOutbox(outbox, 2);

    // Act
    flusher.kick();
    await flusher.whenIdle();

    // Assess
    expect(sender.calls).toEqual([[0, 1], [0]]);
  });

  it('backs off exponentially with full jitter while the stream throttles, and starts over after a success', async () => {
    // Prepare
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'ProvisionedThroughputExceededException',
      $metadata: { httpStatusCode: 400 },
    });
    const answers: Answer = (entries, call) => {
      if (call < 4 || call === 5) throw throttled;
      return acceptAll(entries, call);
    };
    const { outbox, flusher, delays, events, sender } = createRig({ answer: answers, random: () => 0.75 });
    await fillOutbox(outbox, 1);

    // Act: four throttled calls, a success; then a new reading meets one more throttle.
    flusher.kick();
    await flusher.whenIdle();
    await outbox.append(readings(1, 1).map((reading) => ({ kind: 'reading' as const, reading })));
    flusher.kick();
    await flusher.whenIdle();

    // Assess
    const expected = [0, 1, 2, 3, 0].map((attempt) => fullJitterDelay(attempt, UPLINK_BACKOFF, () => 0.75));
    expect(delays).toEqual(expected);
    expect(expected).toEqual([150, 300, 600, 1200, 150]);
    expect(events.filter((e) => e.type === 'retrying').map((e) => e.type === 'retrying' && e.reason)).toEqual(Array(5).fill('throttled'));
    expect(sender.calls).toEqual([[0], [0], [0], [0], [0], [1], [1]]);
  });

  it('caps the backoff', async () => {
    // Prepare
    const { outbox, flusher, delays } = createRig({
      answer: (entries, call) => {
        if (call < 12) throw new SendFailure('server', 'InternalFailure');
        return acceptAll(entries, call);
      },
      random: () => 0.999,
    });
    await fillOutbox(outbox, 1);

    // Act
    flusher.kick();
    await flusher.whenIdle();

    // Assess
    expect(Math.max(...delays)).toBeLessThanOrEqual(UPLINK_BACKOFF.capMs);
    expect(delays.at(-1)).toBeCloseTo(0.999 * UPLINK_BACKOFF.capMs);
  });

  it('pauses while offline without trying, and sends at once when back online', async () => {
    // Prepare
    const { outbox, sender, flusher, events, online, delays } = createRig();
    online.value = false;
    await fillOutbox(outbox, 3);

    // Act
    flusher.kick();
    await flusher.whenIdle();
    const callsWhileOffline = sender.calls.length;
    online.value = true;
    flusher.resume();
    await flusher.whenIdle();

    // Assess
    expect(callsWhileOffline).toBe(0);
    expect(events[0]).toEqual({ type: 'offline' });
    expect(sender.calls).toEqual([[0, 1, 2]]);
    expect(delays).toEqual([]);
  });

  it('pauses when a request fails because the connection went away, without backing off', async () => {
    // Prepare
    const rig = createRig();
    rig.sender.answerWith(() => {
      rig.online.value = false;
      throw new TypeError('Failed to fetch');
    });
    await fillOutbox(rig.outbox, 1);

    // Act
    rig.flusher.kick();
    await rig.flusher.whenIdle();

    // Assess
    expect(rig.events.map((e) => e.type)).toEqual(['sending', 'offline']);
    expect(rig.delays).toEqual([]);
    expect(await rig.outbox.count()).toBe(1);
  });

  it('stops waiting out a backoff when the online event comes', async () => {
    // Prepare: a network error while the browser still claims to be online, and a backoff that never ends.
    const { outbox, sender, flusher, events } = createRig({
      answer: (entries, call) => {
        if (call === 0) throw new TypeError('Failed to fetch');
        return acceptAll(entries, call);
      },
      delay: never,
    });
    await fillOutbox(outbox, 1);
    flusher.kick();
    await expect.poll(() => events.some((e) => e.type === 'retrying' && e.reason === 'network')).toBe(true);

    // Act
    flusher.resume();
    await flusher.whenIdle();

    // Assess
    expect(sender.calls).toEqual([[0], [0]]);
    expect(await outbox.count()).toBe(0);
  });

  it('holds no IndexedDB transaction while a request is out', async () => {
    // Prepare: the "stream" writes to the outbox while answering; a transaction held open across the request
    // would block that write (readwrite on the same store) and the test would time out.
    const rig = createRig();
    rig.sender.answerWith(async (entries, call) => {
      if (call === 0) await rig.outbox.append(readings(1, 99).map((reading) => ({ kind: 'reading' as const, reading })));
      return acceptAll(entries, call);
    });
    await fillOutbox(rig.outbox, 2);

    // Act
    rig.flusher.kick();
    await rig.flusher.whenIdle();

    // Assess
    expect(rig.sender.calls).toEqual([[0, 1], [2]]);
  });

  it('lets one flusher at a time send, also across two tabs, and sends each entry once', async () => {
    // Prepare: two "tabs" on one database and one lock; both keep storing and kicking.
    const dbName = uniqueDbName();
    const lock = createInTabLockRunner();
    const tabA = createRig({ dbName, withLock: lock });
    const tabB = createRig({ dbName, withLock: lock });
    const shared = { calls: [] as number[][], inFlight: 0, maxInFlight: 0 };
    for (const tab of [tabA, tabB]) {
      tab.sender.answerWith(async (entries, call) => {
        shared.calls.push(entries.map((e) => e.seq));
        shared.inFlight += 1;
        shared.maxInFlight = Math.max(shared.maxInFlight, shared.inFlight);
        await new Promise((resolve) => setTimeout(resolve, 1));
        shared.inFlight -= 1;
        return acceptAll(entries, call);
      });
    }

    // Act
    for (let i = 0; i < 40; i++) {
      const tab = i % 2 === 0 ? tabA : tabB;
      await tab.outbox.append(readings(1, i).map((reading) => ({ kind: 'reading' as const, reading })));
      tab.flusher.kick();
      (i % 3 === 0 ? tabB : tabA).flusher.kick();
    }
    await Promise.all([tabA.flusher.whenIdle(), tabB.flusher.whenIdle()]);
    await tabA.flusher.whenIdle();
    await tabB.flusher.whenIdle();

    // Assess
    const sent = shared.calls.flat();
    expect(shared.maxInFlight).toBe(1);
    expect([...sent].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(await tabA.outbox.count()).toBe(0);
    expect([...tabA.events, ...tabB.events].some((e) => e.type === 'other-tab')).toBe(true);
  });
});

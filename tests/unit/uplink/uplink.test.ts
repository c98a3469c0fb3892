import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeRecord, isControlRecord, type WireRecord } from '../../../src/core/record.ts';
import { createInTabLockRunner } from '../../../src/lib/uplink/flush-lock.ts';
import { Outbox, type OutboxItem } from '../../../src/lib/uplink/outbox.ts';
import type { StorageManagerLike } from '../../../src/lib/uplink/storage-watch.ts';
import type { UplinkStatus } from '../../../src/lib/uplink/uplink-status.ts';
import { Uplink, type UplinkDeps } from '../../../src/lib/uplink/uplink.ts';
import { FakeSender, T0, acceptAll, readings, seqsIn, timedReading, uniqueDbName, type Answer } from './support.ts';

const uplinks: Uplink[] = [];

afterEach(async () => {
  await Promise.all(uplinks.splice(0).map((uplink) => uplink.stop()));
});

interface UplinkRig {
  uplink: Uplink;
  sender: FakeSender;
  outbox: Outbox;
  statuses: UplinkStatus[];
  online: { value: boolean };
}

function createUplink(
  opts: { dbName?: string; answer?: Answer; outbox?: UplinkDeps['outbox']; storage?: StorageManagerLike; online?: boolean; serverClock?: UplinkDeps['serverClock'] } = {},
): UplinkRig {
  const outbox = new Outbox(opts.dbName ?? uniqueDbName());
  const sender = new FakeSender(opts.answer);
  const online = { value: opts.online ?? true };
  const uplink = new Uplink({
    outbox: opts.outbox ?? outbox,
    getSender: async () => sender,
    withLock: createInTabLockRunner(),
    isOnline: () => online.value,
    // Backoffs never end by themselves here: a test moves on with wentOnline().
    delay: () => new Promise(() => {}),
    now: () => T0 + 60_000,
    random: () => 0.5,
    storage: opts.storage ?? null,
    serverClock: opts.serverClock,
  });
  const statuses: UplinkStatus[] = [];
  uplink.subscribe((status) => statuses.push(status));
  uplinks.push(uplink);
  return { uplink, sender, outbox, statuses, online };
}

const decode = (data: string): WireRecord => {
  const result = decodeRecord(data, T0 + 3_600_000);
  if (!result.ok) throw new Error(`undecodable: ${result.reason}`);
  return result.record;
};

/** An outbox whose first `failures` writes fail with a full disk. */
function flakyOutbox(outbox: Outbox, failures: number): UplinkDeps['outbox'] {
  let left = failures;
  return Object.assign(Object.create(outbox) as Outbox, {
    append: (items: readonly OutboxItem[]) =>
      left-- > 0 ? Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError')) : outbox.append(items),
  });
}

/** A rig whose stream accepts everything and keeps the JSON lines it was sent, in order. */
function createRecordingUplink(opts: { outbox?: UplinkDeps['outbox']; serverClock?: UplinkDeps['serverClock'] } = {}): UplinkRig & { bodies: string[] } {
  const bodies: string[] = [];
  const rig = createUplink({
    ...opts,
    answer: (entries, call) => {
      bodies.push(...entries.map((e) => e.data));
      return acceptAll(entries, call);
    },
  });
  return { ...rig, bodies };
}

describe('Uplink', () => {
  it('dates new readings in server time, and leaves control records and readings already stored as they were', async () => {
    // Prepare: the device clock is ten minutes fast; one reading was stored before the clock was known.
    const correction = { ms: 0 };
    const { uplink, bodies } = createRecordingUplink({ serverClock: { toServerTime: (t) => t + correction.ms } });
    await uplink.start();
    uplink.record(timedReading(70, 0));
    await uplink.settled();

    // Act
    correction.ms = -600_000;
    uplink.record(timedReading(71, 1));
    await uplink.setLinkExpiry(T0 + 60_000);
    await uplink.settled();

    // Assess
    const sent = bodies.map(decode);
    expect(sent.map((r) => r.t)).toEqual([T0, T0 + 1000 - 600_000, T0 + 60_000]);
    expect(sent[2]).toMatchObject({ exp: T0 + 60_000 });
  });

  it('stores every reading in the outbox before it is sent', async () => {
    // Prepare: at each request, a second connection to the database looks for what is being sent.
    const dbName = uniqueDbName();
    const observer = new Outbox(dbName);
    const storedAtSend: boolean[] = [];
    const { uplink, sender } = createUplink({
      dbName,
      answer: async (entries, call) => {
        const inOutbox = await seqsIn(observer);
        storedAtSend.push(entries.every((e) => inOutbox.includes(e.seq)));
        return acceptAll(entries, call);
      },
    });
    await uplink.start();

    // Act
    for (const reading of readings(5)) {
      uplink.record(reading);
      await uplink.settled();
    }

    // Assess
    expect(sender.sent).toEqual([0, 1, 2, 3, 4]);
    expect(storedAtSend).toEqual([true, true, true, true, true]);
    expect(uplink.snapshot).toMatchObject({ phase: 'idle', waiting: 0, lastAck: { at: T0 + 60_000, readingAt: T0 + 4_000 } });
    await observer.close();
  });

  it('sends what a previous page left pending when it starts, and continues its session', async () => {
    // Prepare: a page stores readings it cannot send (the stream is unreachable), then is closed.
    const dbName = uniqueDbName();
    const first = createUplink({ dbName, answer: () => Promise.reject(new TypeError('Failed to fetch')) });
    await first.uplink.start();
    for (const reading of readings(3)) first.uplink.record(reading);
    await expect.poll(() => first.uplink.snapshot.phase).toBe('retrying');
    const sessionBefore = first.uplink.snapshot.session;
    await first.uplink.stop();

    // Act
    const second = createUplink({ dbName });
    await second.uplink.start();
    await second.uplink.settled();
    second.uplink.record(timedReading(90, 3));
    await second.uplink.settled();

    // Assess
    expect(second.sender.calls).toEqual([[0, 1, 2], [3]]);
    expect(second.uplink.snapshot.session).toEqual(sessionBefore);
    expect(second.uplink.snapshot.waiting).toBe(0);
  });

  it('tells the person when a reading cannot be stored, keeps it in memory, and stores it first when it can', async () => {
    // Prepare: the first two writes fail with a full disk.
    const outbox = new Outbox(uniqueDbName());
    const { uplink, sender } = createUplink({ outbox: flakyOutbox(outbox, 2) });
    await uplink.start();

    // Act
    uplink.record(timedReading(61, 0));
    await uplink.settled();
    const afterFirst = uplink.snapshot;
    uplink.record(timedReading(62, 1));
    await uplink.settled();
    uplink.record(timedReading(63, 2));
    await uplink.settled();

    // Assess
    expect(afterFirst.storage.writeError).toMatch(/out of storage/);
    expect(afterFirst.unsaved).toBe(1);
    expect(afterFirst.waiting).toBe(1);
    expect(afterFirst.stored).toBe(0);
    expect(sender.sent).toEqual([0, 1, 2]);
    expect(uplink.snapshot.storage.writeError).toBeNull();
    expect(uplink.snapshot.unsaved).toBe(0);
    await outbox.close();
  });

  it('counts a reading as stored only once the outbox holds it', async () => {
    // Prepare: offline, so nothing leaves the outbox.
    const { uplink, statuses } = createUplink({ online: false });
    await uplink.start();

    // Act
    uplink.record(timedReading(61, 0));
    const received = uplink.snapshot;
    await uplink.settled();

    // Assess: waiting at once, stored once written; no status claims more stored than waiting.
    expect({ waiting: received.waiting, stored: received.stored }).toEqual({ waiting: 1, stored: 0 });
    expect({ waiting: uplink.snapshot.waiting, stored: uplink.snapshot.stored }).toEqual({ waiting: 1, stored: 1 });
    expect(statuses.every((s) => s.stored <= s.waiting)).toBe(true);
  });

  it('keeps readings in their order through a failed write', async () => {
    // Prepare
    const outbox = new Outbox(uniqueDbName());
    const { uplink, bodies } = createRecordingUplink({ outbox: flakyOutbox(outbox, 1) });
    await uplink.start();

    // Act
    uplink.record(timedReading(61, 0));
    await uplink.settled();
    uplink.record(timedReading(62, 1));
    await uplink.settled();

    // Assess
    expect(bodies.map(decode).map((r) => [r.seq, isControlRecord(r) ? null : r.bpm])).toEqual([
      [0, 61],
      [1, 62],
    ]);
    await outbox.close();
  });

  it('ends the session with an end record sent like a reading; nothing is sent until a new session starts', async () => {
    // Prepare
    const { uplink, bodies } = createRecordingUplink();
    await uplink.start();
    uplink.record(timedReading(70, 0));
    uplink.record(timedReading(71, 1));

    // Act
    await uplink.endSession();
    const sessionAfterEnd = uplink.snapshot.session;
    uplink.record(timedReading(99, 2));
    await uplink.settled();
    const sentWhileStopped = bodies.length;
    await uplink.startSession();
    const started = uplink.snapshot.session;
    uplink.record(timedReading(72, 3));
    await vi.waitFor(() => expect(bodies).toHaveLength(4));

    // Assess
    const records = bodies.map(decode);
    const [a, b, end, next] = records;
    expect(sessionAfterEnd).toBeNull();
    expect(sentWhileStopped).toBe(3);
    expect(end).toEqual({ v: 1, key: a?.key, seq: 2, t: T0 + 60_000, end: true });
    expect([a?.seq, b?.seq, b?.key]).toEqual([0, 1, a?.key]);
    expect(started).not.toBeNull();
    expect(next).toMatchObject({ seq: 0, bpm: 72 });
    expect(next?.key).not.toBe(a?.key);
    expect(records).toHaveLength(4);
    expect(uplink.snapshot.session?.viewId).toBe(started?.viewId);
  });

  it('rotates to a new session with no reading left unsent in between', async () => {
    // Prepare
    const { uplink, bodies } = createRecordingUplink();
    await uplink.start();
    uplink.record(timedReading(70, 0));
    // Act: a reading arrives while the end and start are being stored
    const rotated = uplink.rotateSession();
    uplink.record(timedReading(71, 1));
    await rotated;
    await vi.waitFor(() => expect(bodies).toHaveLength(3));
    // Assess
    const [first, end, next] = bodies.map(decode);
    expect(first).toMatchObject({ seq: 0, bpm: 70 });
    expect(end).toMatchObject({ key: first?.key, seq: 1, end: true });
    expect(next).toMatchObject({ seq: 0, bpm: 71 });
    expect(next?.key).not.toBe(first?.key);
    expect(uplink.snapshot.broadcasting).toBe(true);
  });

  it('tells the caller at once when a control record cannot be stored, and stores it later', async () => {
    // Prepare
    const outbox = new Outbox(uniqueDbName());
    const { uplink, bodies } = createRecordingUplink({ outbox: flakyOutbox(outbox, 1) });
    await uplink.start();
    // Act
    const starting = uplink.startSession();
    // Assess: the failure is reported, and the start is still stored with the next write
    await expect(starting).rejects.toMatchObject({ name: 'QuotaExceededError' });
    uplink.record(timedReading(80, 0));
    await vi.waitFor(() => expect(bodies).toHaveLength(1));
    expect(decode(bodies[0] ?? '')).toMatchObject({ seq: 0, bpm: 80 });
    expect(uplink.snapshot.session).not.toBeNull();
    await outbox.close();
  });

  it('sends the link expiry as a control record of the active session, and a past time revokes', async () => {
    // Prepare
    const { uplink, bodies } = createRecordingUplink();
    await uplink.start();
    await uplink.startSession();
    uplink.record(timedReading(70, 0));

    // Act
    await uplink.setLinkExpiry(T0 + 3_600_000);
    await uplink.setLinkExpiry(T0);
    await vi.waitFor(() => expect(bodies).toHaveLength(3));

    // Assess
    const [reading, expiry, revoke] = bodies.map(decode);
    expect(reading).toMatchObject({ seq: 0, bpm: 70 });
    expect(expiry).toMatchObject({ v: 1, key: reading?.key, seq: 1, exp: T0 + 3_600_000 });
    expect(revoke).toMatchObject({ seq: 2, exp: T0 });
    expect(uplink.snapshot.session?.exp).toBe(T0);
  });

  it('sends shared alert rules as a control record, says sent only once the stream acknowledged it, and again for a new session', async () => {
    // Prepare: the stream turns down everything until told otherwise
    const settings = { rules: [{ id: 'high', kind: 'high' as const, bpm: 170, forS: 10 }], hysteresisBpm: 3, repeatAfterS: 60 };
    const stream = { up: false };
    const bodies: string[] = [];
    const { uplink } = createUplink({
      answer: (entries) => {
        if (!stream.up) return { acked: [], failed: entries.map((entry) => ({ entry, code: 'InternalFailure' })) };
        bodies.push(...entries.map((e) => e.data));
        return { acked: [...entries], failed: [] };
      },
    });
    await uplink.start();
    uplink.shareAlerts({ share: true, settings });
    const beforeSession = uplink.snapshot.alerts;

    // Act: a session starts; the record waits while the stream fails, then gets through
    uplink.record(timedReading(70, 0));
    await vi.waitFor(() => expect(uplink.snapshot.phase).toBe('retrying'));
    const whileFailing = uplink.snapshot.alerts;
    stream.up = true;
    uplink.wentOnline();
    await vi.waitFor(() => expect(uplink.snapshot.alerts?.phase).toBe('sent'));
    await uplink.rotateSession();
    const afterRotate = uplink.snapshot.alerts;
    uplink.record(timedReading(71, 1));
    await vi.waitFor(() => expect(uplink.snapshot.alerts?.phase).toBe('sent'));

    // Assess
    expect(beforeSession).toEqual({ share: true, phase: 'no-session' });
    expect(whileFailing).toEqual({ share: true, phase: 'waiting' });
    expect(afterRotate?.phase).toBe('waiting');
    const shared = bodies.map(decode).filter((r) => isControlRecord(r) && r.alerts !== undefined);
    expect(shared).toHaveLength(2);
    expect(shared[0]).toMatchObject({ seq: 1, alerts: { share: true, settings } });
    expect(shared[1]?.key).not.toBe(shared[0]?.key);
    expect(bodies.every((body) => new TextEncoder().encode(body).length <= 1024)).toBe(true);
  });

  it('does not call newer rules sent when only the record of older ones was acknowledged', async () => {
    // Prepare: storing each set of rules waits until the test lets it go
    const older = { rules: [], hysteresisBpm: 3, repeatAfterS: 60 };
    const newer = { rules: [], hysteresisBpm: 5, repeatAfterS: 60 };
    const outbox = new Outbox(uniqueDbName());
    const gates = new Map<number, { open: () => void; opened: Promise<void> }>();
    for (const h of [3, 5]) {
      let open = (): void => {};
      const opened = new Promise<void>((resolve) => (open = resolve));
      gates.set(h, { open, opened });
    }
    const gatedOutbox = Object.assign(Object.create(outbox) as Outbox, {
      append: async (items: readonly OutboxItem[]) => {
        for (const item of items) if (item.kind === 'alerts') await gates.get(item.alerts.settings.hysteresisBpm)?.opened;
        return outbox.append(items);
      },
    });
    const { uplink } = createUplink({ outbox: gatedOutbox });
    await uplink.start();
    await uplink.startSession();
    await uplink.settled();
    // Act: the newer rules come while the older ones are being stored; the older ones reach the stream first
    uplink.shareAlerts({ share: true, settings: older });
    uplink.shareAlerts({ share: true, settings: newer });
    gates.get(3)?.open();
    await vi.waitFor(() => expect(uplink.snapshot.lastAck).not.toBeNull());
    const whileHeld = uplink.snapshot.alerts;
    gates.get(5)?.open();
    await vi.waitFor(() => expect(uplink.snapshot.alerts?.phase).toBe('sent'));
    // Assess
    expect(whileHeld).toEqual({ share: true, phase: 'waiting' });
    expect(await outbox.count()).toBe(0);
    await outbox.close();
  });

  it('sends the display name and max HR at the start of each session and when they change, never twice for the same', async () => {
    // Prepare
    const { uplink, bodies } = createRecordingUplink();
    await uplink.start();
    uplink.setProfile({ name: 'Ann 🏃', maxHr: 185 });

    // Act
    uplink.record(timedReading(70, 0));
    await uplink.settled();
    uplink.setProfile({ name: 'Ann 🏃', maxHr: 185 });
    uplink.setProfile({ name: '', maxHr: 180 });
    await uplink.rotateSession();
    uplink.record(timedReading(71, 1));
    await vi.waitFor(() => expect(bodies.map(decode).filter((r) => isControlRecord(r) && r.maxHr !== undefined)).toHaveLength(3));

    // Assess: after the first reading, the change, and in the new session.
    const profiles = bodies.map(decode).filter((r) => isControlRecord(r) && r.maxHr !== undefined);
    expect(profiles.map((r) => (isControlRecord(r) ? [r.name, r.maxHr] : null))).toEqual([
      ['Ann 🏃', 185],
      ['', 180],
      ['', 180],
    ]);
    expect(profiles[0]?.seq).toBe(1);
    expect(profiles[2]?.key).not.toBe(profiles[0]?.key);
  });

  it('withdraws alerts from viewers with share false in the active session', async () => {
    // Prepare
    const settings = { rules: [], hysteresisBpm: 3, repeatAfterS: 60 };
    const { uplink, bodies } = createRecordingUplink();
    await uplink.start();
    await uplink.startSession();
    uplink.shareAlerts({ share: true, settings });
    // Act
    uplink.shareAlerts({ share: false, settings });
    await vi.waitFor(() => expect(uplink.snapshot.alerts).toEqual({ share: false, phase: 'sent' }));
    // Assess
    const shared = bodies.map(decode).filter((r) => isControlRecord(r) && r.alerts !== undefined);
    expect(shared.at(-1)).toMatchObject({ alerts: { share: false } });
  });

  it('is offline from the start when the browser is, and sends as soon as it is back online', async () => {
    // Prepare
    const rig = createUplink({ online: false });
    await rig.uplink.start();
    rig.uplink.record(timedReading(70, 0));
    rig.uplink.record(timedReading(71, 1));
    await rig.uplink.settled();
    const whileOffline = rig.uplink.snapshot;

    // Act
    rig.online.value = true;
    rig.uplink.wentOnline();
    await rig.uplink.settled();

    // Assess
    expect(whileOffline).toMatchObject({ phase: 'offline', waiting: 2 });
    expect(rig.sender.calls).toEqual([[0, 1]]);
    expect(rig.uplink.snapshot).toMatchObject({ phase: 'idle', waiting: 0 });
  });

  it('shows why it retries and how many entries failed', async () => {
    // Prepare
    const { uplink } = createUplink({
      answer: (entries) => ({ acked: entries.slice(1), failed: [{ entry: entries[0]!, code: 'ProvisionedThroughputExceededException' }] }),
    });
    await uplink.start();

    // Act
    uplink.record(timedReading(70, 0));
    uplink.record(timedReading(71, 1));
    await expect.poll(() => uplink.snapshot.phase).toBe('retrying');

    // Assess
    expect(uplink.snapshot.retry).toEqual({ reason: 'throttled', attempt: 1, failed: 1 });
    expect(uplink.snapshot.waiting).toBe(1);
  });

  it('asks for persistent storage once readings exist, and reports storage that is short', async () => {
    // Prepare
    const calls: string[] = [];
    const storage: StorageManagerLike = {
      persisted: async () => (calls.push('persisted'), false),
      persist: async () => (calls.push('persist'), false),
      estimate: async () => ({ usage: 0, quota: 5 * 1024 * 1024 }),
    };
    const { uplink } = createUplink({ storage });
    await uplink.start();
    const beforeReadings = [...calls];

    // Act
    uplink.record(timedReading(70, 0));
    await uplink.settled();
    await expect.poll(() => calls.includes('persist')).toBe(true);
    await expect.poll(() => uplink.snapshot.storage.persisted).toBe(false);

    // Assess
    expect(beforeReadings).toEqual(['persisted']);
    expect(uplink.snapshot.storage).toMatchObject({ persisted: false, short: true });
    expect(uplink.snapshot.storage.headroomHours).toBeCloseTo((5 * 1024 * 1024) / 1024 / 3600, 5);
  });
});

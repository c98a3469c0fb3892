import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PublicReading } from '../../../src/core/live-api-types.ts';
import type { LiveEvent, ReadingsEvent } from '../../../src/core/live-events.ts';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import type { PushChannel, PushHandlers, PushTarget } from '../../../src/lib/viewer/push-channel.ts';
import { PUSH_RETRY, ViewerController, WAIT_MS } from '../../../src/lib/viewer/viewer-controller.ts';
import { FakeClock, FakeLiveApi } from './fake-live-api.ts';

const VIEW_ID = deriveViewId(createWriteKey());
const OTHER_VIEW_ID = deriveViewId(createWriteKey());
const running: ViewerController[] = [];

afterEach(() => {
  for (const controller of running.splice(0)) controller.stop();
});

/** A push channel the test drives: it records what the page follows and delivers what the test emits. */
class FakePushChannel implements PushChannel {
  readonly follows: { targets: readonly PushTarget[]; handlers: PushHandlers; closed: boolean }[] = [];

  follow(targets: readonly PushTarget[], handlers: PushHandlers) {
    const follow = { targets, handlers, closed: false };
    this.follows.push(follow);
    handlers.state('connecting');
    return { close: () => (follow.closed = true) };
  }

  get current(): FakePushChannel['follows'][number] {
    const follow = this.follows.at(-1);
    if (follow === undefined || follow.closed) throw new Error('not following');
    return follow;
  }

  emit(event: LiveEvent): void {
    this.current.handlers.event(event);
  }
}

function follow() {
  const clock = new FakeClock();
  const api = new FakeLiveApi(clock);
  const push = new FakePushChannel();
  const controller = new ViewerController(VIEW_ID, { api, now: clock.now, delay: clock.delay, random: () => 0.5, push });
  running.push(controller);
  const received: number[] = [];
  controller.onReadings((readings) => received.push(...readings.map((r) => r.seq)));
  return { clock, api, push, controller, received };
}

/** What the server pushes for the fake API's readings from index `from` on (all of them, or `readings`). */
async function readingsEvent(api: FakeLiveApi, from: number, readings?: PublicReading[]): Promise<ReadingsEvent> {
  return {
    type: 'readings',
    viewId: VIEW_ID,
    from: String(from),
    next: String(api.readings.length),
    readings: readings ?? api.readings.slice(from),
    session: await api.getSession(VIEW_ID),
  };
}

const longPolls = (api: FakeLiveApi): number => api.requests.filter((r) => r.kind === 'readings' && r.waitMs === WAIT_MS).length;

describe('ViewerController on push', () => {
  it('catches up through the API, then follows by push from its cursor without long-polling', async () => {
    // Prepare
    const { api, push, controller, received } = follow();
    api.send(70, 71);

    // Act
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));
    push.current.handlers.state('open');
    api.send(72);
    push.emit(await readingsEvent(api, 2));

    // Assess
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(72));
    expect(push.current.targets).toEqual([{ viewId: VIEW_ID, cursor: '2' }]);
    expect(received).toEqual([0, 1, 2]);
    expect(controller.snapshot).toMatchObject({ count: 3, max: 72, remote: 'live', addedSeqs: [2] });
    expect(longPolls(api)).toBe(0);
  });

  it('fetches readings it missed from the API before applying an event that starts past its cursor', async () => {
    // Prepare
    const { api, push, controller, received } = follow();
    api.send(70);
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));

    // Act: readings 1 and 2 were stored, but the event for them never came; then an event for 3
    api.send(71, 72, 73);
    push.emit(await readingsEvent(api, 3));

    // Assess
    await vi.waitFor(() => expect(received).toEqual([0, 1, 2, 3]));
    expect(api.requests.filter((r) => r.kind === 'readings').map((r) => [r.after, r.waitMs])).toEqual([['0', 0], ['1', 0]]);
    expect(controller.series.length).toBe(4);
    expect(controller.snapshot.bpm).toBe(73);
  });

  it('shows a reading pushed twice once, and ignores events of other sessions', async () => {
    // Prepare
    const { api, push, controller, received } = follow();
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));
    api.send(70, 71);

    // Act
    push.emit(await readingsEvent(api, 0));
    push.emit({ ...(await readingsEvent(api, 0)), from: '2', next: '2' });
    push.emit({ type: 'readings', viewId: OTHER_VIEW_ID, from: '2', next: '3', readings: [{ seq: 2, t: 1, bpm: 99 }], session: { viewId: OTHER_VIEW_ID, status: 'live', serverTime: 1 } });
    api.send(72);
    push.emit(await readingsEvent(api, 2));

    // Assess
    await vi.waitFor(() => expect(received).toEqual([0, 1, 2]));
    expect(controller.series.length).toBe(3);
    expect(controller.snapshot.max).toBe(72);
  });

  it('falls back to long-poll when push fails, and returns to push once the retry time has passed', async () => {
    // Prepare
    const { api, clock, push, controller, received } = follow();
    api.send(70);
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));

    // Act: the stream drops; readings keep coming meanwhile
    push.current.handlers.state('failed');
    api.send(71);
    await vi.waitFor(() => expect(received).toEqual([0, 1]));
    const pollsWhileFailed = longPolls(api);
    clock.t += PUSH_RETRY.baseMs;
    api.send(72);

    // Assess: long-polled meanwhile, then pushed again from its own cursor
    await vi.waitFor(() => expect(push.follows).toHaveLength(2));
    expect(pollsWhileFailed).toBeGreaterThan(0);
    expect(push.follows[0]?.closed).toBe(true);
    expect(push.current.targets).toEqual([{ viewId: VIEW_ID, cursor: '3' }]);
    expect(received).toEqual([0, 1, 2]);
    expect(controller.snapshot.remote).toBe('live');
  });

  it('waits longer after each failed attempt, up to a minute, and from the start once a stream opened', async () => {
    // Prepare
    const { api, clock, push, controller } = follow();
    void controller.start();
    const retries: number[] = [];

    // Act: fail five times in a row, each time moving the clock just far enough
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      await vi.waitFor(() => expect(push.follows).toHaveLength(attempt));
      const failedAt = clock.t;
      push.current.handlers.state('failed');
      await vi.waitFor(() => expect(longPolls(api)).toBeGreaterThan(0));
      // Readings wake the long-poll until the push comes back; the clock says when that was allowed.
      while (push.follows.length === attempt) {
        clock.t += 1000;
        api.send(60);
        await new Promise((resolve) => setImmediate(resolve));
      }
      retries.push(Math.round((clock.t - failedAt) / 1000));
    }

    push.current.handlers.state('open');
    const failedAt = clock.t;
    push.current.handlers.state('failed');
    while (push.follows.length === 6) {
      clock.t += 1000;
      api.send(60);
      await new Promise((resolve) => setImmediate(resolve));
    }
    retries.push(Math.round((clock.t - failedAt) / 1000));

    // Assess: each retry came once its wait had passed, within the second the test's clock moves by and the
    // long-poll's own pause (MIN_POLL_MS)
    const waits = [5, 10, 20, 40, 60, 5];
    retries.forEach((seconds, i) => {
      expect(seconds).toBeGreaterThanOrEqual(waits[i] ?? 0);
      expect(seconds).toBeLessThanOrEqual((waits[i] ?? 0) + 2);
    });
  });

  it('clears everything when a pushed session event says the link was turned off', async () => {
    // Prepare
    const { api, push, controller } = follow();
    api.send(70, 71);
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));

    // Act
    push.emit({ type: 'session', viewId: VIEW_ID, session: { viewId: VIEW_ID, status: 'revoked', serverTime: 1 } });

    // Assess
    await vi.waitFor(() => expect(controller.snapshot.remote).toBe('revoked'));
    expect(controller.snapshot).toMatchObject({ bpm: null, count: 0 });
    expect(controller.series.length).toBe(0);
  });

  it('asks for the session again when time alone turns it stale and then expires its link, with no event and no long-poll', async () => {
    // Prepare: a live session whose link expires 10 s on; the fake answers by the server's time rules.
    const { api, clock, push, controller } = follow();
    api.timeRules = true;
    api.expiresAt = clock.t + 10_000;
    api.send(70, 71);
    const snapshots: string[] = [];
    controller.subscribe((s) => snapshots.push(s.remote));

    // Act
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));
    push.current.handlers.state('open');

    // Assess: asked at the moment it turned stale (3 s after the newest reading), then at the expiry, which clears it.
    await vi.waitFor(() => expect(controller.snapshot.remote).toBe('expired'));
    expect(clock.delays.slice(0, 2)).toEqual([STALE_AFTER_MS + 1, 10_000 - STALE_AFTER_MS - 1]);
    expect(snapshots).toContain('stale');
    expect(controller.snapshot.count).toBe(0);
    expect(longPolls(api)).toBe(0);
  });

  it('leaves time changes to a channel that pushes them (the embedded hub), asking nothing at those moments', async () => {
    // Prepare
    const clock = new FakeClock();
    const api = new FakeLiveApi(clock);
    api.timeRules = true;
    api.send(70);
    const push = Object.assign(new FakePushChannel(), { pushesTimeChanges: true });
    const controller = new ViewerController(VIEW_ID, { api, now: clock.now, delay: clock.delay, random: () => 0.5, push });
    running.push(controller);

    // Act
    void controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));
    push.current.handlers.state('open');
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));

    // Assess: no timer, and the session asked once, before following
    expect(clock.delays).toEqual([]);
    expect(api.requests.filter((r) => r.kind === 'session')).toHaveLength(1);
  });

  it('closes the stream on stop', async () => {
    // Prepare
    const { push, controller } = follow();
    const done = controller.start();
    await vi.waitFor(() => expect(push.follows).toHaveLength(1));

    // Act
    controller.stop();

    // Assess
    await done;
    expect(push.follows[0]?.closed).toBe(true);
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { GroupController, POLL_ROUND_MS, PUSH_RETRY_MS } from '../../../src/lib/group/group-controller.ts';
import { GAP_RETRY_MS } from '../../../src/lib/viewer/viewer-controller.ts';
import type { SessionBody } from '../../../src/core/live-api-types.ts';
import { FakeClock } from '../viewer/fake-live-api.ts';
import { FakeGroupApi, FakePushChannel } from './fake-group.ts';

const IDS = Array.from({ length: 3 }, () => deriveViewId(createWriteKey()));
const [A, B, C] = IDS as [string, string, string];
const running: GroupController[] = [];

afterEach(() => {
  for (const controller of running.splice(0)) controller.stop();
});

function group(channel: FakePushChannel | null = null, ids: readonly string[] = IDS) {
  const clock = new FakeClock();
  const api = new FakeGroupApi(clock, ids);
  // The push retry waits until the test lets it go, so what happens in between can be seen.
  let releaseRetry = (): void => undefined;
  const retry = new Promise<void>((resolve) => (releaseRetry = resolve));
  const delay = (ms: number): Promise<void> => (ms === PUSH_RETRY_MS ? retry : clock.delay(ms));
  const controller = new GroupController(ids, { api, channel, now: clock.now, delay });
  running.push(controller);
  const tile = (viewId: string) => controller.snapshot.tiles.find((t) => t.viewId === viewId);
  return { clock, api, controller, tile, releaseRetry };
}

function body(viewId: string, fields: Partial<SessionBody> = {}): SessionBody {
  return { viewId, status: 'live', serverTime: Date.now(), ...fields };
}

describe('GroupController without a push channel', () => {
  it('polls every session round-robin with wait=0, one request at a time, and shows each one’s readings and name', async () => {
    // Prepare
    const { api, controller, tile } = group();
    api.of(A).name = '<img src=x onerror=alert(1)>';
    api.of(A).maxHr = 180;
    api.of(B).name = 'Bo';

    // Act
    void controller.start();
    await vi.waitFor(() => expect(tile(C)?.remote).toBe('live'));
    api.of(A).send(150, 152);
    api.of(B).send(90);
    api.of(C).send(120);

    // Assess
    await vi.waitFor(() => expect(controller.snapshot.tiles.map((t) => t.bpm)).toEqual([152, 90, 120]));
    expect(tile(A)).toMatchObject({ name: '<img src=x onerror=alert(1)>', maxHr: 180 });
    expect(tile(B)?.name).toBe('Bo');
    expect(controller.seriesOf(A)?.length).toBe(2);
    expect(api.maxInFlight).toBe(1);
    const readingPolls = api.log.filter((r) => r.kind === 'readings');
    expect(readingPolls.every((r) => r.waitMs === 0)).toBe(true);
    // Round-robin: the first polls visit A, B, C in turn.
    expect(readingPolls.slice(0, 3).map((r) => r.viewId)).toEqual([A, B, C]);
    expect(controller.snapshot.transport).toBe('poll');
  });

  it('spreads one round over POLL_ROUND_MS, whatever the number of sessions', async () => {
    // Prepare
    const { clock, controller, api } = group();

    // Act
    void controller.start();
    await vi.waitFor(() => expect(api.log.filter((r) => r.kind === 'readings').length).toBeGreaterThan(6));
    controller.stop();

    // Assess
    expect(clock.delays.slice(0, 6).every((ms) => ms === POLL_ROUND_MS / IDS.length)).toBe(true);
  });

  it('shows a session that ends, one that is turned off (without its name) and one the API cannot reach, each on its own', async () => {
    // Prepare
    const { api, controller, tile } = group();
    for (const id of IDS) {
      api.of(id).name = `n-${id.slice(0, 3)}`;
      api.of(id).send(100);
    }
    void controller.start();
    await vi.waitFor(() => expect(tile(C)?.name).toBe(`n-${C.slice(0, 3)}`));

    // Act
    api.of(A).setStatus('ended');
    api.of(B).setStatus('revoked');
    api.of(C).setOffline(true);

    // Assess
    await vi.waitFor(() => expect(controller.snapshot.tiles.map((t) => t.remote)).toEqual(['ended', 'revoked', 'offline']));
    expect(tile(B)).toMatchObject({ name: null, bpm: null });
    expect(controller.seriesOf(B)?.length).toBe(0);
    expect(tile(A)?.bpm).toBe(100);
  });
});

describe('GroupController with a push channel', () => {
  it('follows every session on one subscription from the cursors of their session bodies, and stops polling once open', async () => {
    // Prepare
    const channel = new FakePushChannel();
    const { api, controller, tile } = group(channel);
    api.of(A).send(70, 71);

    // Act
    void controller.start();
    await vi.waitFor(() => expect(channel.follows).toHaveLength(1));
    channel.current.handlers.state('open');
    const requestsWhenOpen = api.log.length;
    channel.send({ type: 'readings', viewId: A, from: '2', next: '3', readings: [{ seq: 2, t: Date.now(), bpm: 140 }], session: body(A, { name: 'Ann', maxHr: 170 }) });
    channel.send({ type: 'session', viewId: B, session: body(B, { status: 'ended' }) });

    // Assess
    expect(channel.current.targets).toEqual([
      { viewId: A, cursor: '2' },
      { viewId: B, cursor: '0' },
      { viewId: C, cursor: '0' },
    ]);
    await vi.waitFor(() => expect(tile(A)).toMatchObject({ bpm: 140, name: 'Ann', maxHr: 170 }));
    expect(tile(B)?.remote).toBe('ended');
    expect(controller.snapshot.transport).toBe('push');
    // At most the poll already under way when the channel opened.
    expect(api.log.length - requestsWhenOpen).toBeLessThanOrEqual(2);
  });

  it('fetches the gap when an event does not start at this page’s cursor, and ignores sessions it does not follow', async () => {
    // Prepare
    const channel = new FakePushChannel();
    const { api, controller, tile } = group(channel);
    void controller.start();
    await vi.waitFor(() => expect(channel.follows).toHaveLength(1));
    channel.current.handlers.state('open');
    api.of(A).send(80, 81, 82);

    // Act: the event carries only the last reading; the first two were missed.
    channel.send({ type: 'readings', viewId: A, from: '2', next: '3', readings: [{ seq: 2, t: Date.now(), bpm: 82 }], session: body(A) });
    channel.send({ type: 'session', viewId: deriveViewId(createWriteKey()), session: body(A, { name: 'Intruder' }) });

    // Assess
    await vi.waitFor(() => expect(controller.seriesOf(A)?.length).toBe(3));
    expect(tile(A)?.bpm).toBe(82);
    expect(tile(A)?.name).toBeNull();
    expect(api.log.filter((r) => r.kind === 'readings' && r.viewId === A).length).toBeGreaterThanOrEqual(1);
  });

  it('takes an event that runs ahead of the live API, fetches a gap the API serves late, and never moves its cursor back', async () => {
    // Prepare: the page stands at the start of A; the API serves nothing yet (before the index refresh, in AWS).
    const channel = new FakePushChannel();
    const clock = new FakeClock();
    const api = new FakeGroupApi(clock, IDS);
    // A gap asked again waits until the test lets it go.
    const gapWaits: Array<() => void> = [];
    const delay = (ms: number): Promise<void> => (ms === GAP_RETRY_MS ? new Promise((resolve) => gapWaits.push(resolve)) : clock.delay(ms));
    const controller = new GroupController(IDS, { api, channel, now: clock.now, delay });
    running.push(controller);
    const tile = (viewId: string) => controller.snapshot.tiles.find((t) => t.viewId === viewId);
    void controller.start();
    await vi.waitFor(() => expect(channel.follows).toHaveLength(1));
    channel.current.handlers.state('open');
    const at = Date.now();
    const readings = [80, 81, 82, 83].map((bpm, seq) => ({ seq, t: at + seq, bpm }));

    // Act: the first event comes before the API serves it; the second is lost; the third shows the gap, which the API
    // serves only after a few tries.
    channel.send({ type: 'readings', viewId: A, from: '0', next: '2', readings: readings.slice(0, 2), session: body(A) });
    await vi.waitFor(() => expect(controller.seriesOf(A)?.length).toBe(2));
    const asksBefore = api.of(A).requests.length;
    channel.send({ type: 'readings', viewId: A, from: '3', next: '4', readings: readings.slice(3), session: body(A) });
    for (let tries = 0; tries < 2; tries++) {
      await vi.waitFor(() => expect(gapWaits).toHaveLength(1));
      gapWaits.pop()?.();
    }
    await vi.waitFor(() => expect(gapWaits).toHaveLength(1));
    api.of(A).readings.push(...readings.slice(0, 3));
    gapWaits.pop()?.();

    // Assess: each reading once, in order; every gap fetch from the event's cursor, none from an earlier one.
    await vi.waitFor(() => expect(controller.seriesOf(A)?.length).toBe(4));
    expect(tile(A)?.bpm).toBe(83);
    const gapFetches = api.of(A).requests.slice(asksBefore).filter((r) => r.kind === 'readings');
    expect(gapFetches.map((r) => r.after)).toEqual(['2', '2', '2', '2']);
    expect(gapFetches.every((r) => r.after === '2')).toBe(true);
  });

  it('falls back to polling when the channel fails, catches up, and tries push again later', async () => {
    // Prepare
    const channel = new FakePushChannel();
    const { api, controller, tile, releaseRetry } = group(channel);
    void controller.start();
    await vi.waitFor(() => expect(channel.follows).toHaveLength(1));
    channel.current.handlers.state('open');

    // Act
    channel.current.handlers.state('failed');
    api.of(C).send(130);

    // Assess
    expect(channel.follows[0]?.closed).toBe(true);
    expect(controller.snapshot.transport).toBe('poll');
    await vi.waitFor(() => expect(tile(C)?.bpm).toBe(130));
    releaseRetry();
    await vi.waitFor(() => expect(channel.follows).toHaveLength(2));
    expect(channel.current.targets.find((t) => t.viewId === C)?.cursor).toBe('1');
  });
});

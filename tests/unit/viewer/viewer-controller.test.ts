import { afterEach, describe, expect, it, vi } from 'vitest';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { MIN_POLL_MS, PAGE_LIMIT, RECHECK_MS, ViewerController, WAIT_MS } from '../../../src/lib/viewer/viewer-controller.ts';
import { shownStatus } from '../../../src/lib/viewer/viewer-status.ts';
import { FakeClock, FakeLiveApi } from './fake-live-api.ts';
import type { SessionAlerts, SessionStatus } from '../../../src/core/live-api-types.ts';
import { alertsTagOf } from '../../../src/core/alerts-tag.ts';
import { summarizeHrv } from '../../../src/core/hrv-measures.ts';

const VIEW_ID = deriveViewId(createWriteKey());
const running: ViewerController[] = [];

afterEach(() => {
  for (const controller of running.splice(0)) controller.stop();
});

function follow(status: SessionStatus = 'live', random = () => 0.5) {
  const clock = new FakeClock();
  const api = new FakeLiveApi(clock, status);
  const controller = new ViewerController(VIEW_ID, { api, now: clock.now, delay: clock.delay, random });
  running.push(controller);
  return { clock, api, controller, shown: () => shownStatus(controller.snapshot, clock.now()) };
}

describe('ViewerController', () => {
  it('follows a live session: what came before, then each new reading', async () => {
    // Prepare
    const { api, controller, shown } = follow();
    api.send(70, 72, 74);
    // Act
    void controller.start();
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(74));
    expect(shown()).toBe('live');
    expect(controller.series.length).toBe(3);
    api.send(90);
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(90));
    await vi.waitFor(() => expect(controller.snapshot).toMatchObject({ count: 4, min: 70, max: 90 }));
    expect(api.requests.filter((r) => r.kind === 'readings').every((r) => r.waitMs === WAIT_MS)).toBe(true);
  });

  it('shows the same HRV figures as the broadcaster from the RR intervals it received', async () => {
    // Prepare: 80 beats of alternating RR, enough for SDNN, pNN50 and DFA α1
    const { api, controller } = follow();
    const rr = Array.from({ length: 80 }, (_, i) => (i % 2 === 0 ? 800 : 870) + (i % 7));
    for (let i = 0; i < rr.length; i += 2) api.sendWithRr(72, rr.slice(i, i + 2));
    const expected = summarizeHrv(rr);

    // Act
    void controller.start();

    // Assess
    await vi.waitFor(() => expect(controller.snapshot.count).toBe(40));
    expect(controller.snapshot.sdnn).toBeCloseTo(expected.sdnn ?? Number.NaN, 6);
    expect(controller.snapshot.pnn50).toBeCloseTo(expected.pnn50 ?? Number.NaN, 6);
    expect(controller.snapshot.dfaAlpha1).not.toBeNull();
  });

  it('catches up a long session page by page, without gaps or doubles', async () => {
    // Prepare: two and a half pages of readings, one of them delivered twice by the stream
    const { api, controller } = follow();
    api.send(...Array.from({ length: 2.5 * PAGE_LIMIT }, (_, i) => 60 + (i % 100)));
    api.resend(10);
    let changes = 0;
    controller.onData(() => (changes += 1));
    // Act
    void controller.start();
    // Assess
    await vi.waitFor(() => expect(controller.series.length).toBe(2.5 * PAGE_LIMIT));
    expect(controller.snapshot.count).toBe(2.5 * PAGE_LIMIT);
    const times = controller.series.all().times;
    expect(times.every((t, i) => i === 0 || t >= (times[i - 1] ?? 0))).toBe(true);
    expect(changes).toBe(3); // one per page
  });

  it('shows a live session as stale once no reading came for longer than the core rule allows', async () => {
    // Prepare
    const { api, clock, controller, shown } = follow();
    api.send(65);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(65));
    // Act + Assess: stale is judged by the page's clock between answers, by the same rule as the server
    clock.t += 3000;
    expect(shown()).toBe('live');
    clock.t += 1;
    expect(shown()).toBe('stale');
    // The server says so too; a new reading makes it live again
    api.setStatus('stale');
    await vi.waitFor(() => expect(controller.snapshot.remote).toBe('stale'));
    api.send(66);
    await vi.waitFor(() => expect(shown()).toBe('live'));
  });

  it('keeps the last value when the session ends and then only checks now and then', async () => {
    // Prepare
    const { api, clock, controller, shown } = follow();
    api.send(65);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(65));
    // Act
    api.setStatus('ended');
    // Assess
    await vi.waitFor(() => expect(clock.delays.filter((ms) => ms === RECHECK_MS).length).toBeGreaterThan(1));
    expect(shown()).toBe('ended');
    expect(controller.snapshot.bpm).toBe(65);
    expect(controller.series.length).toBe(1);
    const asked = api.requests.filter((r) => r.kind === 'readings');
    expect(asked.at(-1)?.waitMs).toBe(0);
  });

  it.each(['revoked', 'expired'] as const)('shows nothing more once the link is %s', async (status) => {
    // Prepare
    const { api, clock, controller, shown } = follow();
    api.send(80, 81);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(81));
    // Act
    api.setStatus(status);
    // Assess
    await vi.waitFor(() => expect(shown()).toBe(status));
    expect(controller.snapshot).toMatchObject({ bpm: null, count: 0, min: null, max: null, lastReceivedAt: null });
    expect(controller.series.length).toBe(0);
    await vi.waitFor(() => expect(clock.delays).toContain(RECHECK_MS));
  });

  it('shows a link as expired at its expiry by the page clock, before the server says so', async () => {
    // Prepare
    const { api, clock, controller, shown } = follow();
    api.expiresAt = clock.now() + 2000;
    api.send(77);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.expiresAt).toBe(api.expiresAt));
    // Act
    clock.t += 1999;
    const before = shown();
    clock.t += 1;
    // Assess
    expect(before).toBe('live');
    expect(shown()).toBe('expired');
  });

  it('follows an unknown link, which turns live when its first reading arrives', async () => {
    // Prepare
    const { api, controller, shown } = follow('unknown');
    void controller.start();
    await vi.waitFor(() => expect(shown()).toBe('unknown'));
    // Act
    api.send(70);
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(70));
    expect(shown()).toBe('live');
  });

  it('never asks the API about a link that is not a view id', async () => {
    // Prepare
    const clock = new FakeClock();
    const api = new FakeLiveApi(clock);
    const controller = new ViewerController(`${VIEW_ID}x`, { api, now: clock.now, delay: clock.delay });
    // Act
    await controller.start();
    // Assess
    expect(controller.snapshot.remote).toBe('unknown');
    expect(api.requests).toEqual([]);
  });

  it('says when the API cannot be reached and catches up without gaps when it can again', async () => {
    // Prepare
    const { api, controller, shown } = follow();
    api.send(60, 61);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(61));
    // Act: the network drops while readings keep coming
    api.setOffline(true);
    await vi.waitFor(() => expect(shown()).toBe('offline'));
    api.send(62, 63, 64, 65, 66);
    api.setOffline(false);
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(66));
    expect(shown()).toBe('live');
    expect(Array.from(controller.series.all().values)).toEqual([60, 61, 62, 63, 64, 65, 66]);
    expect(controller.snapshot.count).toBe(7);
  });

  it('backs off exponentially while offline, and starts over after a success', async () => {
    // Prepare: random 0.5 makes each full-jitter delay half its ceiling
    const { api, clock, controller } = follow();
    api.setOffline(true);
    // Act
    void controller.start();
    // Assess
    await vi.waitFor(() => expect(clock.delays.length).toBeGreaterThanOrEqual(7));
    expect(clock.delays.slice(0, 7)).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000]);
    api.setOffline(false);
    api.send(70);
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(70));
    clock.delays.length = 0;
    api.setOffline(true);
    await vi.waitFor(() => expect(clock.delays.length).toBeGreaterThanOrEqual(1));
    expect(clock.delays[0]).toBe(250);
  });

  it('polls a store without long-poll at most once a second', async () => {
    // Prepare: a store that answers at once with nothing new (OpenSearch behind a CDN cache)
    class AnswersAtOnce extends FakeLiveApi {
      override getReadings(id: string, after: string, opts: { limit: number; waitMs: number }) {
        return super.getReadings(id, after, { ...opts, waitMs: 0 });
      }
    }
    const clock = new FakeClock();
    const api = new AnswersAtOnce(clock);
    api.send(70);
    const controller = new ViewerController(VIEW_ID, { api, now: clock.now, delay: clock.delay });
    running.push(controller);
    // Act
    void controller.start();
    // Assess
    await vi.waitFor(() => expect(clock.delays.length).toBeGreaterThanOrEqual(3));
    expect(clock.delays.slice(0, 3)).toEqual([MIN_POLL_MS, MIN_POLL_MS, MIN_POLL_MS]);
    expect(controller.snapshot.bpm).toBe(70);
  });

  it('stops following when stopped, even in the middle of a long-poll', async () => {
    // Prepare
    const { api, controller } = follow();
    api.send(70);
    const done = controller.start();
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(70));
    // Act
    controller.stop();
    // Assess
    await expect(done).resolves.toBeUndefined();
    const asked = api.requests.length;
    api.send(71);
    expect(api.requests.length).toBe(asked);
    expect(controller.snapshot.bpm).toBe(70);
  });
});

describe('ViewerController and the broadcaster\'s max HR', () => {
  it.each([
    { served: 182, shown: 182 },
    { served: null, shown: null },
    { served: 500, shown: null },
    { served: 150.5, shown: null },
  ])('takes $served from the session answer as $shown', async ({ served, shown }) => {
    // Prepare
    const { api, controller } = follow();
    api.maxHr = served;
    api.send(70);
    // Act
    void controller.start();
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(70));
    expect(controller.snapshot.maxHr).toBe(shown);
  });
});

describe('ViewerController and the shared alerts', () => {
  const SHARED: SessionAlerts = {
    settings: { rules: [{ id: 'silent', kind: 'no-data', forS: 5 }], hysteresisBpm: 3, repeatAfterS: 60 },
    active: [],
    recent: [],
  };

  it('takes an alert that fires without a reading from the waiting long-poll, with no other request', async () => {
    // Prepare: a silent session whose long-poll waits, holding the tag of the alerts it was given
    const { api, clock, controller } = follow();
    api.setAlerts(SHARED);
    api.send(70);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.alerts).toEqual(SHARED));
    await vi.waitFor(() => expect(api.requests.at(-1)).toMatchObject({ kind: 'readings', alertsTag: alertsTagOf(SHARED) }));
    const requests = api.requests.length;
    // Act: the server's alert clock fires "no data"
    const fired = { ...SHARED, active: ['silent'], recent: [{ ruleId: 'silent', kind: 'no-data' as const, type: 'fired' as const, at: clock.now(), value: null }] };
    api.setAlerts(fired);
    // Assess: the long-poll that was waiting brought it, and the next one holds the new tag
    await vi.waitFor(() => expect(controller.snapshot.alerts).toEqual(fired));
    expect(api.requests.slice(requests).filter((r) => r.kind === 'session')).toEqual([]);
    await vi.waitFor(() => expect(api.requests.at(-1)).toMatchObject({ kind: 'readings', alertsTag: alertsTagOf(fired) }));
    expect(controller.snapshot.bpm).toBe(70);
  });

  it('drops the alerts when the broadcaster stops sharing them, from the long-poll alone', async () => {
    // Prepare
    const { api, controller } = follow();
    api.setAlerts(SHARED);
    api.send(70);
    void controller.start();
    await vi.waitFor(() => expect(api.requests.at(-1)).toMatchObject({ kind: 'readings', alertsTag: alertsTagOf(SHARED) }));
    // Act
    api.setAlerts(undefined);
    // Assess
    await vi.waitFor(() => expect(controller.snapshot.alerts).toBeNull());
    await vi.waitFor(() => expect(api.requests.at(-1)).toMatchObject({ kind: 'readings', alertsTag: alertsTagOf(undefined) }));
  });
});

describe('ViewerController and the browser\'s network events', () => {
  it('says offline at once when the network drops, and catches up at once when it returns', async () => {
    // Prepare: pauses that only a returning network can end
    const clock = new FakeClock();
    const api = new FakeLiveApi(clock);
    const pauses: number[] = [];
    const delay = (ms: number) => {
      pauses.push(ms);
      return new Promise<void>(() => {});
    };
    const controller = new ViewerController(VIEW_ID, { api, now: clock.now, delay });
    running.push(controller);
    api.send(60);
    void controller.start();
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(60));
    // Act: the browser reports the drop while a long-poll hangs (the API has not failed it)
    controller.connectionChanged(false);
    // Assess
    expect(controller.snapshot.remote).toBe('offline');
    await vi.waitFor(() => expect(pauses).toHaveLength(1));
    api.send(61, 62);
    controller.connectionChanged(true);
    await vi.waitFor(() => expect(controller.snapshot.bpm).toBe(62));
    expect(controller.snapshot.remote).toBe('live');
    expect(Array.from(controller.series.all().values)).toEqual([60, 61, 62]);
  });
});

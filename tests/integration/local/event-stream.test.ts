import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReadingsBody } from '../../../src/core/live-api-types.ts';
import type { LiveEvent, ReadingsEvent } from '../../../src/core/live-events.ts';
import { createLiveApi } from '../../../functions/live-api/live-api.ts';
import type { ReadingWrite } from '../../../functions/store/live-store.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';
import { createEventStreamRoute, type EventStreamOptions, type EventStreamRoute } from '../../../infra/local/event-stream-route.ts';
import { createFunctionUrlRoute } from '../../../infra/local/lambda-url-adapter.ts';
import { createLivePushHub, type LivePushHub, type PushHubStore } from '../../../infra/local/live-push-hub.ts';
import { openEventStream, type EventStreamReader } from './event-stream-client.ts';
import { rawRequest } from './raw-request.ts';

const VIEWS = ['AAAAAAAAAAAAAAAAAAAAAA', 'BBBBBBBBBBBBBBBBBBBBBw', 'CCCCCCCCCCCCCCCCCCCCCg', 'DDDDDDDDDDDDDDDDDDDDDQ'] as const;
const [A, B] = VIEWS;
const silentLog = { info: () => {}, error: () => {} };

/** Readings of one session; bpm says which session (60 + its index in VIEWS), so a reading out of place shows. */
function readings(viewId: string, fromSeq: number, count: number, rr: number[] = [900]): ReadingWrite[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => ({
    kind: 'reading' as const,
    viewId,
    seq: fromSeq + i,
    t: now,
    bpm: 60 + VIEWS.indexOf(viewId as (typeof VIEWS)[number]),
    rr,
    contact: true,
    receivedAt: now,
    streamSeq: String(fromSeq + i + 1),
  }));
}

function readingsEvents(reader: EventStreamReader, viewId?: string): ReadingsEvent[] {
  return reader.events.filter((e): e is ReadingsEvent => e.type === 'readings' && (viewId === undefined || e.viewId === viewId));
}

function seqsOf(reader: EventStreamReader, viewId?: string): number[] {
  return readingsEvents(reader, viewId).flatMap((e) => e.readings.map((r) => r.seq));
}

function hasSessionEvent(reader: EventStreamReader, viewId: string): boolean {
  return reader.events.some((e) => e.type === 'session' && e.viewId === viewId);
}

describe('event stream over HTTP', () => {
  let dir: string;
  let store: SqliteLiveStore;
  let calls: { getSession: number; getReadings: number };
  let hub: LivePushHub;
  let route: EventStreamRoute;
  let server: Server;
  let port: number;
  const readers: EventStreamReader[] = [];

  /** The store as the hub sees it, counting the queries it makes. */
  function countingStore(): PushHubStore {
    return {
      getSession: (viewId) => {
        calls.getSession += 1;
        return store.getSession(viewId);
      },
      getReadings: (viewId, after, limit) => {
        calls.getReadings += 1;
        return store.getReadings(viewId, after, limit);
      },
      watchChanges: (listener) => store.watchChanges(listener),
    };
  }

  async function serve(options: Partial<EventStreamOptions> = {}): Promise<void> {
    hub = createLivePushHub({ store: countingStore(), now: Date.now, log: () => {} });
    route = createEventStreamRoute({ hub, ...options });
    const api = createFunctionUrlRoute('/api/', createLiveApi({ store, now: Date.now, log: silentLog }));
    server = createServer((req, res) => {
      const target = (req.url ?? '').startsWith(route.prefix) ? route : api;
      void target.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  }

  async function open(query: string): Promise<EventStreamReader> {
    const reader = await openEventStream(port, query);
    readers.push(reader);
    return reader;
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-events-'));
    store = openSqliteStore(join(dir, 'live.db'));
    calls = { getSession: 0, getReadings: 0 };
  });

  afterEach(async () => {
    for (const reader of readers.splice(0)) reader.close();
    route?.stop();
    hub?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a text/event-stream that starts with the session and carries stored readings in order', async () => {
    // Prepare
    await serve();
    await store.writeBatch(readings(A, 0, 3));
    const reader = await open(`view=${A}`);
    await expect.poll(() => hasSessionEvent(reader, A)).toBe(true);

    // Act
    await store.writeBatch(readings(A, 3, 2));
    await expect.poll(() => seqsOf(reader)).toEqual([3, 4]);
    await store.writeBatch(readings(A, 5, 3));

    // Assess
    await expect.poll(() => seqsOf(reader)).toEqual([3, 4, 5, 6, 7]);
    expect(reader.status).toBe(200);
    expect(reader.contentType).toMatch(/^text\/event-stream/);
    expect(reader.events[0]).toMatchObject({ type: 'session', viewId: A, session: { status: 'live', count: 3, cursor: '3' } });
    expect(readingsEvents(reader).map((e) => [e.from, e.next, e.session.count])).toEqual([['3', '5', 5], ['5', '8', 8]]);
    expect(reader.malformed).toEqual([]);
  });

  it('catches a subscriber up from its own cursor, then fans out with the rest', async () => {
    // Prepare
    await serve();
    await store.writeBatch(readings(A, 0, 4));
    const early = await open(`view=${A}`);
    await expect.poll(() => hasSessionEvent(early, A)).toBe(true);

    // Act
    const late = await open(`view=${A}:1`);
    await expect.poll(() => seqsOf(late)).toEqual([1, 2, 3]);
    await store.writeBatch(readings(A, 4, 1));

    // Assess
    await expect.poll(() => seqsOf(late)).toEqual([1, 2, 3, 4]);
    await expect.poll(() => seqsOf(early)).toEqual([4]);
    expect(readingsEvents(late).map((e) => [e.from, e.next])).toEqual([['1', '4'], ['4', '5']]);
  });

  it('asks the store once per session per batch, however many subscribers follow it', async () => {
    // Prepare
    await serve();
    await store.writeBatch(readings(A, 0, 1));
    const subscribers = await Promise.all(Array.from({ length: 25 }, () => open(`view=${A}`)));
    await expect.poll(() => subscribers.every((s) => hasSessionEvent(s, A))).toBe(true);
    calls = { getSession: 0, getReadings: 0 };

    // Act
    await store.writeBatch(readings(A, 1, 10));

    // Assess
    await expect.poll(() => subscribers.every((s) => seqsOf(s).length === 10)).toBe(true);
    expect(calls).toEqual({ getSession: 1, getReadings: 1 });
    expect(subscribers.every((s) => seqsOf(s).join() === '1,2,3,4,5,6,7,8,9,10')).toBe(true);
  });

  it('never gives a viewer of one session another session’s events, on push or on long-poll', async () => {
    await serve();
    const nextSeq = new Map<string, number>(VIEWS.map((v) => [v, 0]));
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.constantFrom(...VIEWS), { minLength: 1, maxLength: 3 }),
        fc.array(fc.record({ viewId: fc.constantFrom(...VIEWS), count: fc.integer({ min: 1, max: 5 }) }), { minLength: 1, maxLength: 6 }),
        async (followed, batches) => {
          // Prepare
          const reader = await open(followed.map((v) => `view=${v}`).join('&'));
          await expect.poll(() => followed.every((v) => hasSessionEvent(reader, v))).toBe(true);
          const cursors = await Promise.all(VIEWS.map(async (v) => (await store.getSession(v))?.cursor ?? '0'));
          const expected = new Map<string, number>(VIEWS.map((v) => [v, 0]));

          // Act
          for (const { viewId, count } of batches) {
            const from = nextSeq.get(viewId) ?? 0;
            await store.writeBatch(readings(viewId, from, count));
            nextSeq.set(viewId, from + count);
            expected.set(viewId, (expected.get(viewId) ?? 0) + count);
          }
          const polls = await Promise.all(
            VIEWS.map(async (v, i) => (await (await fetch(`http://127.0.0.1:${port}/api/sessions/${v}/readings?after=${cursors[i]}&wait=0`)).json()) as ReadingsBody),
          );

          // Assess
          const pushedTotal = followed.reduce((sum, v) => sum + (expected.get(v) ?? 0), 0);
          await expect.poll(() => seqsOf(reader).length).toBe(pushedTotal);
          for (const event of reader.events) expect(followed).toContain(event.viewId);
          for (const v of followed) expect(readingsEvents(reader, v).every((e) => e.readings.every((r) => r.bpm === 60 + VIEWS.indexOf(v)))).toBe(true);
          polls.forEach((page, i) => {
            expect(page.viewId).toBe(VIEWS[i]);
            expect(page.readings.every((r) => r.bpm === 60 + i)).toBe(true);
          });
          reader.close();
        },
      ),
      { numRuns: 8 },
    );
  });

  it('tells followers when the session changes without readings: an end mark, turning stale', async () => {
    // Prepare
    await serve();
    await store.writeBatch(readings(A, 0, 1));
    const reader = await open(`view=${A}`);
    await expect.poll(() => hasSessionEvent(reader, A)).toBe(true);

    // Act
    const now = Date.now();
    await store.writeBatch([{ kind: 'control', viewId: A, seq: 1, t: now, end: true, receivedAt: now, streamSeq: '2' }]);

    // Assess
    await expect.poll(() => reader.events.map((e: LiveEvent) => e.session.status)).toEqual(['live', 'ended']);
  });

  it('sends only the status of a revoked session, never its readings', async () => {
    // Prepare
    await serve();
    await store.writeBatch(readings(A, 0, 2));
    const reader = await open(`view=${A}:0`);
    await expect.poll(() => seqsOf(reader)).toEqual([0, 1]);

    // Act: the broadcaster turns the link off (expiry at or before its own time), then readings still arrive
    const now = Date.now();
    await store.writeBatch([{ kind: 'control', viewId: A, seq: 2, t: now, exp: now, receivedAt: now, streamSeq: '3' }]);
    await expect.poll(() => reader.events.at(-1)?.session.status).toBe('revoked');
    await store.writeBatch(readings(A, 3, 2));
    const late = await open(`view=${A}:0`);

    // Assess: the late stream joins in the session's queue after the fan-out of that write, so once it has its
    // event, the first stream has had whatever that fan-out sent
    await expect.poll(() => late.events.length).toBe(1);
    expect(late.events[0]).toEqual({ type: 'session', viewId: A, session: { viewId: A, status: 'revoked', serverTime: expect.any(Number) } });
    expect(seqsOf(reader)).toEqual([0, 1]);
    expect(reader.events.at(-1)).toEqual({ type: 'session', viewId: A, session: { viewId: A, status: 'revoked', serverTime: expect.any(Number) } });
  });

  it('sends a session event when a live session turns stale by time alone', async () => {
    // Prepare
    await serve();
    await store.writeBatch(readings(B, 0, 1));

    // Act
    const reader = await open(`view=${B}`);

    // Assess: the timer at the last receive time + STALE_AFTER_MS, no write needed.
    await expect.poll(() => reader.events.map((e) => e.session.status), { timeout: 8000 }).toEqual(['live', 'stale']);
  });

  it('refuses bad requests with the live API’s JSON errors', async () => {
    // Prepare
    await serve();
    const tooMany = Array.from({ length: 51 }, (_, i) => `view=${`A${String(i).padStart(2, '0')}`.padEnd(22, 'A')}`).join('&');
    const fifty = tooMany.split('&').slice(0, 50).join('&');

    // Act
    const answers = await Promise.all([
      rawRequest(port, '/api/events'),
      rawRequest(port, '/api/events?view=not-a-view-id'),
      rawRequest(port, `/api/events?view=${A}:x1`),
      rawRequest(port, `/api/events?view=${A}&view=${A}:3`),
      rawRequest(port, `/api/events?${tooMany}`),
      rawRequest(port, `/api/events?view=${A}`, { method: 'POST' }),
      rawRequest(port, `/api/eventsx?view=${A}`),
    ]);
    const atLimit = await open(fifty);

    // Assess
    expect(answers.map((a) => [a.status, (JSON.parse(a.body) as { error: string }).error])).toEqual([
      [400, 'bad-views'],
      [400, 'bad-view-id'],
      [400, 'bad-cursor'],
      [400, 'bad-views'],
      [400, 'bad-views'],
      [405, 'method-not-allowed'],
      [404, 'not-found'],
    ]);
    expect(answers[0]?.headers['content-type']).toMatch(/^application\/json/);
    expect(atLimit.status).toBe(200);
  });

  it('answers 503 past the cap on open streams, and ends every stream on stop', async () => {
    // Prepare
    await serve({ maxStreams: 2 });
    const first = await open(`view=${A}`);
    await open(`view=${B}`);

    // Act
    const third = await rawRequest(port, `/api/events?view=${A}`);
    route.stop();

    // Assess
    expect(third.status).toBe(503);
    expect(JSON.parse(third.body)).toMatchObject({ error: 'unavailable' });
    await first.ended;
    await expect.poll(() => route.streams()).toBe(0);
    await expect.poll(() => hub.sessionsFollowed()).toBe(0);
  });

  it('sends keep-alive comments', async () => {
    // Prepare
    await serve({ keepAliveMs: 50 });

    // Act
    const reader = await open(`view=${A}`);

    // Assess
    await expect.poll(() => reader.comments.length).toBeGreaterThanOrEqual(2);
    expect(reader.comments[0]).toBe(': keep-alive');
  });

  it('cuts a subscriber that stopped reading, and keeps serving one that reads', async () => {
    // Prepare: big events (32 RR values a reading), many sessions, so the sockets' own buffers fill.
    await serve({ maxBufferedBytes: 64 * 1024 });
    const views = Array.from({ length: 20 }, (_, i) => `S${String(i).padStart(2, '0')}`.padEnd(22, 'Q'));
    const query = views.map((v) => `view=${v}`).join('&');
    const slow = await open(query);
    const reading = await open(query);
    await expect.poll(() => views.every((v) => hasSessionEvent(slow, v) && hasSessionEvent(reading, v))).toBe(true);
    slow.pause();

    // Act: the reader and the server share this process, so each batch waits until the reading one has read it.
    const rr = Array.from({ length: 32 }, () => 1000);
    let written = 0;
    // Until the server cut it (a paused client does not notice until it reads again).
    for (let round = 0; round < 3 && route.streams() === 2; round += 1) {
      for (const v of views) {
        await store.writeBatch(readings(v, round * 2000, 2000, rr));
        written += 2000;
        await expect.poll(() => seqsOf(reading).length).toBe(written);
      }
    }

    // Assess
    expect(route.streams()).toBe(1);
    expect(seqsOf(slow).length).toBeLessThan(written);
  });
});

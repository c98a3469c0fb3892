import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alertsTagOf } from '../../../src/core/alerts-tag.ts';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { processKinesisBatch } from '../../../functions/consumer/process-batch.ts';
import { createLiveApi } from '../../../functions/live-api/live-api.ts';
import { silentLogger } from '../../../functions/lib/logger.ts';
import type { LiveStore } from '../../../functions/store/live-store.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';
import { createFunctionUrlRoute } from '../../../infra/local/lambda-url-adapter.ts';
import { startAppServer, type AppServer } from '../../../infra/local/static-server.ts';
import { NOW, control, kinesisEvent, reading, sessionKeys } from '../../unit/functions/support/kinesis-events.ts';

const live = sessionKeys(1);
const ended = sessionKeys(2);
const revoked = sessionKeys(3);
const expired = sessionKeys(4);
const expiring = sessionKeys(5);
const stale = sessionKeys(6);
const never = sessionKeys(7);
const named = sessionKeys(8);
const ALL_KEYS = [live, ended, revoked, expired, expiring, stale, never, named].map((s) => s.key);

describe('live API over HTTP (function URL adapter on the app server, SQLite store)', () => {
  let dir: string;
  let store: SqliteLiveStore;
  let failing = false;
  let server: AppServer;
  let clock = NOW;
  const bodies: string[] = [];

  async function get(path: string, init?: RequestInit): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, headers: response.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lhr-api-'));
    await writeFile(join(dir, 'index.html'), '<!doctype html>');
    store = openSqliteStore(join(dir, 'live.db'));
    const flaky: LiveStore = {
      ...store,
      writeBatch: (items) => store.writeBatch(items),
      getSession: (viewId) => (failing ? Promise.reject(new Error('down')) : store.getSession(viewId)),
      getReadings: (viewId, after, limit) => store.getReadings(viewId, after, limit),
      waitForReadings: (viewId, after, timeoutMs) => store.waitForReadings(viewId, after, timeoutMs),
    };
    const api = createLiveApi({ store: flaky, now: () => clock, log: silentLogger, maxWaitMs: 10_000 });
    server = await startAppServer({
      port: 0,
      distDir: dir,
      config: { mode: 'embedded', region: 'us-east-1', kinesis: { streamName: 's' }, apiUrl: '/api' },
      routes: [createFunctionUrlRoute('/api/', api)],
    });

    const consume = (records: Parameters<typeof kinesisEvent>[0], receivedAt = NOW): Promise<unknown> =>
      processKinesisBatch(kinesisEvent(records), { store, now: () => receivedAt, log: silentLogger });
    await consume([0, 1, 2, 3, 4].map((seq) => reading(live.key, seq, { bpm: 70 + seq, rr: [850], kj: 12 })));
    await consume([reading(ended.key, 0), control(ended.key, 1, { end: true })]);
    await consume([reading(revoked.key, 0), control(revoked.key, 1, { exp: NOW - 5000 }, NOW - 5000)]);
    // Set ten minutes ago to expire a millisecond ago: a control takes effect from when it was received.
    await consume([reading(expired.key, 0), control(expired.key, 1, { exp: NOW - 1 }, NOW - 600_000)], NOW - 600_000);
    await consume([reading(expiring.key, 0), control(expiring.key, 1, { exp: NOW + 3_600_000 })]);
    await consume([reading(stale.key, 0)], NOW - STALE_AFTER_MS - 1);
    await consume([control(named.key, 0, { name: '<img src=x onerror=alert(1)>', maxHr: 185 }), reading(named.key, 1), control(revoked.key, 2, { name: 'Hidden' })]);
  });

  afterAll(async () => {
    await server?.stop();
    await store?.close();
    await rm(dir, { recursive: true, force: true });
    // Never a write key in any answer, whatever was asked.
    expect(bodies.length).toBeGreaterThan(40);
    for (const body of bodies) for (const key of ALL_KEYS) expect(body).not.toContain(key);
  });

  beforeEach(() => {
    clock = NOW;
    failing = false;
  });

  describe('GET /api/sessions/{viewId}', () => {
    it('answers status and statistics of a live session, cacheable for a second', async () => {
      const { status, headers, json } = await get(`/api/sessions/${live.viewId}`);

      expect(status).toBe(200);
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(headers.get('cache-control')).toBe('public, max-age=1, s-maxage=1');
      expect(json).toEqual({
        viewId: live.viewId,
        status: 'live',
        serverTime: NOW,
        count: 5,
        firstT: NOW - 60_000,
        lastT: NOW - 56_000,
        min: 70,
        avg: 72,
        max: 74,
        lastBpm: 74,
        lastSeq: 4,
        lastReceivedAt: NOW,
        endedAt: null,
        expiresAt: null,
        cursor: '5',
        name: null,
        maxHr: null,
        alertsTag: alertsTagOf(undefined),
      });
    });

    it('carries the display name as the plain text it was sent as, and the max HR; null when never set', async () => {
      // Act
      const { json } = await get(`/api/sessions/${named.viewId}`);
      const unnamed = await get(`/api/sessions/${live.viewId}`);
      const hidden = await get(`/api/sessions/${revoked.viewId}`);

      // Assess: a revoked link tells nothing, its name included.
      expect(json).toMatchObject({ status: 'live', name: '<img src=x onerror=alert(1)>', maxHr: 185 });
      expect(unnamed.json).toMatchObject({ name: null, maxHr: null });
      expect(hidden.json).not.toHaveProperty('name');
    });

    it('turns stale once no reading arrived for longer than the threshold', async () => {
      clock = NOW + STALE_AFTER_MS + 1;

      expect((await get(`/api/sessions/${live.viewId}`)).json.status).toBe('stale');
      expect((await get(`/api/sessions/${stale.viewId}`)).json.status).toBe('stale');
    });

    it.each([
      { name: 'ended', s: ended, status: 'ended' },
      { name: 'expiring later', s: expiring, status: 'live' },
    ])('says $status for a session that is $name', async ({ s, status }) => {
      const { json } = await get(`/api/sessions/${s.viewId}`);

      expect(json.status).toBe(status);
      expect(json.count).toBe(1);
    });

    it('shows the end time and the link expiry, in server time from when the control was received', async () => {
      // The controls were dated a second before the consumer, at NOW, received them.
      expect((await get(`/api/sessions/${ended.viewId}`)).json.endedAt).toBe(NOW);
      expect((await get(`/api/sessions/${expiring.viewId}`)).json.expiresAt).toBe(NOW + 3_600_000 + 1000);
    });

    it.each([
      { name: 'revoked', s: revoked },
      { name: 'expired', s: expired },
      { name: 'unknown', s: never },
    ])('says only $name, with no statistics, for a $name link', async ({ name, s }) => {
      const { status, json } = await get(`/api/sessions/${s.viewId}`);

      expect(status).toBe(200);
      expect(json).toEqual({ viewId: s.viewId, status: name, serverTime: NOW });
    });

    it('answers HEAD with headers and no body', async () => {
      const response = await fetch(`${server.url}/api/sessions/${live.viewId}`, { method: 'HEAD' });

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toContain('max-age=1');
      expect(await response.text()).toBe('');
    });
  });

  describe('GET /api/sessions/{viewId}/readings', () => {
    it('pages through readings with a cursor', async () => {
      const first = await get(`/api/sessions/${live.viewId}/readings?limit=2`);
      const rest = await get(`/api/sessions/${live.viewId}/readings?after=${String(first.json.next)}&limit=1000`);
      const none = await get(`/api/sessions/${live.viewId}/readings?after=${String(rest.json.next)}`);

      expect(first.json).toEqual({
        viewId: live.viewId,
        status: 'live',
        serverTime: NOW,
        readings: [
          { seq: 0, t: NOW - 60_000, bpm: 70, rr: [850], contact: true },
          { seq: 1, t: NOW - 59_000, bpm: 71, rr: [850], contact: true },
        ],
        next: '2',
        more: true,
        alertsTag: alertsTagOf(undefined),
      });
      expect(rest.json).toMatchObject({ next: '5', more: false });
      expect((rest.json.readings as Array<{ seq: number }>).map((r) => r.seq)).toEqual([2, 3, 4]);
      expect(none.json).toMatchObject({ readings: [], next: '5', more: false });
      expect(first.headers.get('cache-control')).toBe('public, max-age=1, s-maxage=1');
      expect(none.headers.get('cache-control')).toBe('no-store');
    });

    it.each([
      { name: 'revoked', s: revoked },
      { name: 'expired', s: expired },
    ])('serves no readings for a $name link', async ({ name, s }) => {
      const { json } = await get(`/api/sessions/${s.viewId}/readings`);

      expect(json).toMatchObject({ status: name, readings: [], next: '0', more: false });
    });

    it('serves the readings of an ended session', async () => {
      const { json } = await get(`/api/sessions/${ended.viewId}/readings`);

      expect(json).toMatchObject({ status: 'ended', next: '1' });
      expect(json.readings).toHaveLength(1);
    });

    it('answers an unknown session with no readings', async () => {
      expect((await get(`/api/sessions/${never.viewId}/readings`)).json).toMatchObject({ status: 'unknown', readings: [], next: '0' });
    });

    it('holds a long-poll until a reading is stored, then answers with it (woken by the write, not the deadline)', async () => {
      // Prepare: observe the store's wait, so the write happens while the poll is really waiting.
      const waitForReadings = store.waitForReadings.bind(store);
      let woken: Promise<boolean> | undefined;
      const waiting = new Promise<void>((resolve) => {
        store.waitForReadings = (viewId, after, timeoutMs) => {
          woken = waitForReadings(viewId, after, timeoutMs);
          resolve();
          return woken;
        };
      });
      const polling = get(`/api/sessions/${live.viewId}/readings?after=5&wait=5000`);
      await waiting;

      // Act
      await processKinesisBatch(kinesisEvent([reading(live.key, 5, { bpm: 99 })], 100), { store, now: () => NOW, log: silentLogger });
      const { json, headers } = await polling;
      store.waitForReadings = waitForReadings;

      // Assess: the wait ended because the readings grew (true), not because its 5 s ran out (false).
      expect(await woken).toBe(true);
      expect(json).toMatchObject({ next: '6', readings: [{ seq: 5, bpm: 99 }] });
      expect(headers.get('cache-control')).toBe('no-store');
    });

    it('answers an empty page when a long-poll times out', async () => {
      const started = performance.now();

      const { json } = await get(`/api/sessions/${stale.viewId}/readings?after=1&wait=100`);

      expect(json).toMatchObject({ readings: [], next: '1' });
      expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    });
  });

  describe('bad input gets a clear 4xx JSON answer, never a 500', () => {
    it.each([
      { path: '/api/sessions/short', error: 'bad-view-id' },
      { path: '/api/sessions/AAAAAAAAAAAAAAAAAAAAAB', error: 'bad-view-id' },
      { path: '/api/sessions/AAAAAAAAAAAAAAAAAAAA%2FA', error: 'bad-view-id' },
      { path: '/api/sessions/AAAAAAAAAAAAAAAAAAAAAA%00/readings', error: 'bad-view-id' },
      { path: `/api/sessions/${'A'.repeat(5000)}`, error: 'bad-view-id' },
      { path: `/api/sessions/${live.viewId}/readings?after=-1`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?after=abc`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?after=1.5`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?after=007`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?after=${'9'.repeat(65)}`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?after=1&after=2`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?after=`, error: 'bad-cursor' },
      { path: `/api/sessions/${live.viewId}/readings?limit=0`, error: 'bad-limit' },
      { path: `/api/sessions/${live.viewId}/readings?limit=1001`, error: 'bad-limit' },
      { path: `/api/sessions/${live.viewId}/readings?limit=ten`, error: 'bad-limit' },
      { path: `/api/sessions/${live.viewId}/readings?limit=10&limit=20`, error: 'bad-limit' },
      { path: `/api/sessions/${live.viewId}/readings?wait=-5`, error: 'bad-wait' },
      { path: `/api/sessions/${live.viewId}/readings?wait=600000`, error: 'bad-wait' },
      { path: `/api/sessions/${live.viewId}/readings?alertsTag=XYZ`, error: 'bad-alerts-tag' },
      { path: `/api/sessions/${live.viewId}/readings?alertsTag=0123456789`, error: 'bad-alerts-tag' },
      { path: `/api/sessions/${live.viewId}/readings?alertsTag=01234567&alertsTag=01234567`, error: 'bad-alerts-tag' },
    ])('$error for $path', async ({ path, error }) => {
      const { status, headers, json } = await get(path);

      expect(status).toBe(400);
      expect(headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(headers.get('cache-control')).toBe('public, max-age=10, s-maxage=10');
      expect(json.error).toBe(error);
      expect(typeof json.message).toBe('string');
    });

    it.each(['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('405 for %s, naming the allowed methods', async (method) => {
      const { status, headers, json } = await get(`/api/sessions/${live.viewId}/readings`, { method });

      expect(status).toBe(405);
      expect(headers.get('allow')).toBe('GET, HEAD');
      expect(json.error).toBe('method-not-allowed');
    });

    it.each(['/api/', '/api/sessions', '/api/sessions/', `/api/sessions/${live.viewId}/`, `/api/sessions/${live.viewId}/readings/1`, '/api/keys'])(
      '404 for %s',
      async (path) => {
        const { status, json } = await get(path);

        expect(status).toBe(404);
        expect(json.error).toBe('not-found');
      },
    );

    it('503, not cached, when the store is down', async () => {
      failing = true;

      const { status, headers, json } = await get(`/api/sessions/${live.viewId}`);

      expect(status).toBe(503);
      expect(headers.get('cache-control')).toBe('no-store');
      expect(json.error).toBe('unavailable');
    });
  });
});

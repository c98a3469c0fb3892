// Contract tests of the OpenSearch live store against a local stand-in that checks what a domain would check.
// No OpenSearch server runs here: these verify requests and the adapter's handling of answers, not a cluster.
import type { Client } from '@opensearch-project/opensearch';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertSettings } from '../../../src/core/alert-rules.ts';
import type { ControlRecord } from '../../../src/core/record.ts';
import { foldAlertClock } from '../../../functions/alert-clock/fold-alert-clock.ts';
import { processKinesisBatch, type ConsumerBatchResult } from '../../../functions/consumer/process-batch.ts';
import { silentLogger } from '../../../functions/lib/logger.ts';
import type { LiveWrite, SessionChange, StoredReading } from '../../../functions/store/live-store.ts';
import { createSignedOpenSearchClient } from '../../../functions/store/opensearch-client.ts';
import { createDomainHttp } from '../../../functions/opensearch-setup/domain-http.ts';
import { putIndexTemplates } from '../../../functions/opensearch-setup/apply-setup.ts';
import { ALERTS_INDEX_TEMPLATE, INDEX_TEMPLATES, READINGS_INDEX_TEMPLATE, SESSIONS_INDEX_TEMPLATE, readingsIndexFor, toPosition } from '../../../functions/store/opensearch-indices.ts';
import { createOpenSearchStore } from '../../../functions/store/opensearch-store.ts';
import { SESSION_RATE_LIMIT } from '../../../src/core/session-rate-limit.ts';
import { NOW, control, kinesisEvent, reading, redeliverFrom, sessionKeys, streamSeq } from '../../unit/functions/support/kinesis-events.ts';
import { startOpenSearchStandIn, type OpenSearchStandIn, type RecordedRequest } from './support/opensearch-stand-in.ts';
import { sha256Hex } from './support/sigv4.ts';

const CREDENTIALS = { accessKeyId: 'AKIDSTANDIN000000000', secretAccessKey: 'standin/secret/key/for/tests/only/0000000' };
const REGION = 'eu-west-1';
const { key, viewId } = sessionKeys(21);
const other = sessionKeys(22);

describe('OpenSearch live store (contract, against a signing-checking stand-in)', () => {
  let standIn: OpenSearchStandIn;
  let client: Client;
  let store: ReturnType<typeof createOpenSearchStore>;

  beforeEach(async () => {
    standIn = await startOpenSearchStandIn({ ...CREDENTIALS, region: REGION, service: 'es' });
    client = createSignedOpenSearchClient({ endpoint: standIn.url, region: REGION, getCredentials: async () => CREDENTIALS });
    store = createOpenSearchStore(client);
    // The templates go on as the deployment's setup function puts them.
    await putIndexTemplates(createDomainHttp(client), INDEX_TEMPLATES);
  });

  afterEach(async () => {
    await client.close();
    await standIn.stop();
  });

  function consume(event: KinesisStreamEvent): Promise<ConsumerBatchResult> {
    return processKinesisBatch(event, { store, now: () => NOW, log: silentLogger });
  }

  async function consumeUntilDone(event: KinesisStreamEvent): Promise<ConsumerBatchResult[]> {
    const results: ConsumerBatchResult[] = [];
    let pending: KinesisStreamEvent | undefined = event;
    while (pending !== undefined) {
      const result = await consume(pending);
      results.push(result);
      const failure = result.batchItemFailures[0];
      pending = failure === undefined ? undefined : redeliverFrom(pending, failure.itemIdentifier);
      if (results.length > 10) throw new Error('no progress');
    }
    return results;
  }

  async function readAll(view = viewId, after = '0', limit = 1000): Promise<{ readings: StoredReading[]; cursor: string }> {
    const readings: StoredReading[] = [];
    let cursor = after;
    for (;;) {
      const page = await store.getReadings(view, cursor, limit);
      readings.push(...page.readings);
      cursor = page.cursor;
      if (!page.more) return { readings, cursor };
    }
  }

  function bulkRequests(): RecordedRequest[] {
    return standIn.requests.filter((r) => r.path === '/_bulk');
  }

  function ndjson(request: RecordedRequest): Array<Record<string, unknown>> {
    return request.body
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  describe('requests', () => {
    it('signs every request with SigV4 for service es, and the stand-in verifies each signature', async () => {
      // Act
      await consume(kinesisEvent([reading(key, 0), reading(key, 1)]));
      await store.getSession(viewId);
      await store.getReadings(viewId, '0', 10);

      // Assess
      expect(standIn.requests.length).toBeGreaterThanOrEqual(6);
      for (const r of standIn.requests) {
        expect(r.signature).toMatchObject({ ok: true });
        expect(r.headers.authorization).toMatch(
          new RegExp(`^AWS4-HMAC-SHA256 Credential=${CREDENTIALS.accessKeyId}/\\d{8}/${REGION}/es/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$`),
        );
        expect(r.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
        expect(r.headers['x-amz-content-sha256']).toBe(sha256Hex(r.body));
        expect(r.body).not.toContain(key);
      }
    });

    it('is refused by a domain expecting other credentials (the check can fail), and the batch is reported for retry', async () => {
      const wrong = createSignedOpenSearchClient({
        endpoint: standIn.url,
        region: REGION,
        getCredentials: async () => ({ ...CREDENTIALS, secretAccessKey: 'another-secret' }),
      });
      const event = kinesisEvent([reading(key, 0)]);

      const result = await processKinesisBatch(event, { store: createOpenSearchStore(wrong), now: () => NOW, log: silentLogger });
      await wrong.close();

      expect(standIn.requests.at(-1)?.signature).toMatchObject({ ok: false, problem: 'signature mismatch' });
      expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber }]);
    });

    it('puts index templates with explicit strict mappings and refresh_interval 1s', async () => {
      // The client sends POST; OpenSearch takes PUT or POST for this API.
      const puts = standIn.requests.filter((r) => (r.method === 'PUT' || r.method === 'POST') && r.path.startsWith('/_index_template/'));

      expect(puts.map((r) => r.path)).toEqual(['/_index_template/hr-readings', '/_index_template/hr-sessions', '/_index_template/hr-alerts']);
      expect(JSON.parse(puts[0]?.body ?? '{}')).toEqual(JSON.parse(JSON.stringify(READINGS_INDEX_TEMPLATE)));
      expect(JSON.parse(puts[1]?.body ?? '{}')).toEqual(JSON.parse(JSON.stringify(SESSIONS_INDEX_TEMPLATE)));
      expect(JSON.parse(puts[2]?.body ?? '{}')).toEqual(JSON.parse(JSON.stringify(ALERTS_INDEX_TEMPLATE)));
      expect(ALERTS_INDEX_TEMPLATE.template.mappings.dynamic).toBe('strict');
      expect(READINGS_INDEX_TEMPLATE.template.settings.index.refresh_interval).toBe('1s');
      expect(READINGS_INDEX_TEMPLATE.template.mappings.dynamic).toBe('strict');
    });

    it('writes readings as NDJSON bulk creates with deterministic ids and daily indices by reading time, then waits for a refresh by rewriting the newest of each index', async () => {
      // Prepare: two readings either side of midnight UTC
      const midnight = Date.UTC(2026, 10, 28);
      const event = kinesisEvent([reading(key, 0, { t: midnight - 100, bpm: 71, rr: [845], kj: 3 }), reading(key, 1, { t: midnight + 100, bpm: 72 })]);

      // Act
      await consume(event);

      // Assess
      const [readingsBulk, waitBulk, sessionsBulk] = bulkRequests();
      expect(readingsBulk?.query.get('refresh')).toBeNull();
      expect(readingsBulk?.headers['content-type']).toMatch(/^application\/(x-ndjson|json)/);
      expect(readingsBulk?.body.endsWith('\n')).toBe(true);
      expect(ndjson(readingsBulk as RecordedRequest)).toEqual([
        { create: { _index: 'hr-readings-2026.11.27', _id: `${viewId}:0`, routing: viewId } },
        { viewId, seq: 0, pos: toPosition(streamSeq(1)), t: midnight - 100, bpm: 71, rr: [845], contact: true, kj: 3, receivedAt: NOW },
        { create: { _index: 'hr-readings-2026.11.28', _id: `${viewId}:1`, routing: viewId } },
        { viewId, seq: 1, pos: toPosition(streamSeq(2)), t: midnight + 100, bpm: 72, rr: [800, 810], contact: true, receivedAt: NOW },
      ]);
      // The wait: each daily index's newest reading of the session, unchanged, on its shard (routing), refresh=wait_for.
      expect(waitBulk?.query.get('refresh')).toBe('wait_for');
      expect(ndjson(waitBulk as RecordedRequest)).toEqual([
        { index: { _index: 'hr-readings-2026.11.27', _id: `${viewId}:0`, routing: viewId } },
        ndjson(readingsBulk as RecordedRequest)[1],
        { index: { _index: 'hr-readings-2026.11.28', _id: `${viewId}:1`, routing: viewId } },
        ndjson(readingsBulk as RecordedRequest)[3],
      ]);
      const sessionLines = ndjson(sessionsBulk as RecordedRequest);
      expect(sessionLines[0]).toEqual({ create: { _index: 'hr-sessions', _id: viewId } });
      expect(sessionLines[1]).toMatchObject({ viewId, count: 2, sumBpm: 143, minBpm: 71, maxBpm: 72, watermark: toPosition(streamSeq(2)) });
      expect(sessionsBulk?.query.get('refresh')).toBeNull();
      expect([...standIn.indices.keys()].sort()).toEqual(['hr-readings-2026.11.27', 'hr-readings-2026.11.28', 'hr-sessions']);
    });

    it('reads session state and existing readings in real time with one mget before writing', async () => {
      await consume(kinesisEvent([reading(key, 0), reading(other.key, 0)]));

      const mget = standIn.requests.find((r) => r.path === '/_mget');

      expect(JSON.parse(mget?.body ?? '{}')).toEqual({
        docs: [
          { _index: 'hr-sessions', _id: viewId },
          { _index: 'hr-sessions', _id: other.viewId },
          { _index: readingsIndexFor(reading(key, 0).t, NOW), _id: `${viewId}:0`, routing: viewId, _source: ['pos'] },
          { _index: readingsIndexFor(reading(other.key, 0).t, NOW), _id: `${other.viewId}:0`, routing: other.viewId, _source: ['pos'] },
        ],
      });
    });
  });

  describe('idempotence and statistics', () => {
    it('writes nothing when the same batch comes twice, and counts each reading once', async () => {
      const event = kinesisEvent(Array.from({ length: 10 }, (_, seq) => reading(key, seq, { bpm: 60 + seq })));

      const first = await consume(event);
      const bulksAfterFirst = bulkRequests().length;
      const second = await consume(event);

      expect(first).toMatchObject({ stored: 10, duplicates: 0 });
      expect(second).toMatchObject({ stored: 0, duplicates: 10, batchItemFailures: [] });
      expect(bulkRequests()).toHaveLength(bulksAfterFirst);
      expect(await store.getSession(viewId)).toMatchObject({ count: 10, minBpm: 60, maxBpm: 69, avgBpm: 64.5, lastSeq: 9, lastBpm: 69 });
      expect((await readAll()).readings.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    it('applies end and expiry control records by their receive time', async () => {
      await consume(kinesisEvent([reading(key, 0), control(key, 1, { exp: NOW - 1000 + 60_000 }), control(key, 2, { end: true })]));

      expect(await store.getSession(viewId)).toMatchObject({ count: 1, exp: NOW + 60_000, expSetAt: NOW, endedSeq: 2, endedAt: NOW, cursor: streamSeq(1).replace(/^0+/, '') });
    });

    it('revokes from a phone 10 minutes fast, and a later expiry does not revive the link', async () => {
      const fast = NOW + 600_000;
      await consume(kinesisEvent([reading(key, 0), control(key, 1, { exp: fast }, fast)]));

      await consume(kinesisEvent([control(key, 2, { exp: fast + 3_600_000 }, fast)], 3));

      expect(await store.getSession(viewId)).toMatchObject({ exp: NOW, expSetAt: NOW });
    });

    it('answers null and an empty page for a session it never saw', async () => {
      expect(await store.getSession(viewId)).toBeNull();
      expect(await store.getReadings(viewId, '0', 10)).toEqual({ readings: [], cursor: '0', more: false });
    });
  });

  describe('daily indices under back-dated writes', () => {
    const DAY = 24 * 60 * 60 * 1000;

    it('creates no index for the days a flood of back-dated readings claims, through the consumer', async () => {
      // Prepare: 500 readings dated on 500 distinct past days, and a real one
      const flood = Array.from({ length: 500 }, (_, i) => reading(other.key, i, { t: NOW - (2 + i) * DAY }));

      // Act
      const result = await consume(kinesisEvent([...flood, reading(key, 0)]));

      // Assess
      expect(result.dropped['outside-horizon']).toBe(500);
      expect([...standIn.indices.keys()].sort()).toEqual([readingsIndexFor(NOW, NOW), 'hr-sessions']);
    });

    it('files a reading written straight to the store with any date under a day around its receipt, and still serves it', async () => {
      // Prepare: the store's own guard, for a writer that skips the consumer's horizon
      const dates = [Date.UTC(2020, 0, 1), NOW - 400 * DAY, NOW - DAY - 120_000, NOW - 1000, NOW + 30 * DAY];
      const writes: LiveWrite[] = dates.map((t, seq) => ({ kind: 'reading', viewId, seq, t, bpm: 70, receivedAt: NOW, streamSeq: streamSeq(seq + 1) }));

      // Act
      const results = await store.writeBatch(writes);

      // Assess: NOW is 2026-11-28 12:00 UTC, so the clamped days are the 27th and the 28th only
      expect(results).toEqual(writes.map(() => ({ status: 'stored' })));
      expect([...standIn.indices.keys()].sort()).toEqual(['hr-readings-2026.11.27', 'hr-readings-2026.11.28', 'hr-sessions']);
      expect((await readAll()).readings.map((r) => r.t)).toEqual(dates);
    });

    it('keeps a reading inside the horizon in the index of its own day, so a replay finds it', () => {
      // Act
      const names = [readingsIndexFor(NOW - DAY + 1000, NOW), readingsIndexFor(NOW - DAY + 1000, NOW + 3000)];

      // Assess
      expect(names).toEqual(['hr-readings-2026.11.27', 'hr-readings-2026.11.27']);
    });
  });

  describe('per-item bulk errors', () => {
    const records = Array.from({ length: 12 }, (_, seq) => reading(key, seq, { bpm: 50 + seq }));

    it('fails the 429 items, reports the first one, and ends with every reading once after Lambda-style retries', async () => {
      // Prepare: throttle seq 4 and 9 on the first bulk only
      let bulks = 0;
      standIn.bulkFault = (op) => {
        if (op.action === 'create' && op.position === 0) bulks++;
        const seq = Number(op.id.split(':')[1]);
        return bulks === 1 && op.action === 'create' && op.index.startsWith('hr-readings') && (seq === 4 || seq === 9)
          ? { status: 429, type: 'es_rejected_execution_exception' }
          : undefined;
      };
      const event = kinesisEvent(records);

      // Act
      const first = await consume(event);
      const visibleAfterFirst = await readAll();
      standIn.bulkFault = undefined;
      const rest = await consumeUntilDone(redeliverFrom(event, first.batchItemFailures[0]?.itemIdentifier ?? ''));

      // Assess
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[4]?.kinesis.sequenceNumber }]);
      // The watermark stopped before the first failure: a viewer never sees past a hole.
      expect(visibleAfterFirst.readings.map((r) => r.seq)).toEqual([0, 1, 2, 3]);
      expect(rest).toHaveLength(1);
      expect((await readAll()).readings.map((r) => r.seq)).toEqual(records.map((r) => r.seq));
      expect(await store.getSession(viewId)).toMatchObject({ count: 12, minBpm: 50, maxBpm: 61, avgBpm: 55.5 });
    });

    it('drops a reading the domain refuses for good (400), counting it, without failing the batch', async () => {
      standIn.bulkFault = (op) => (op.id === `${viewId}:2` ? { status: 400, type: 'mapper_parsing_exception' } : undefined);

      const result = await consume(kinesisEvent(records.slice(0, 5)));

      expect(result.batchItemFailures).toEqual([]);
      expect(result.dropped['store-rejected']).toBe(1);
      expect((await readAll()).readings.map((r) => r.seq)).toEqual([0, 1, 3, 4]);
      expect(await store.getSession(viewId)).toMatchObject({ count: 4 });
    });

    it('retries the whole session when its session document cannot be written (conflict), without double counting', async () => {
      await consume(kinesisEvent(records.slice(0, 3)));
      let failSession = true;
      standIn.bulkFault = (op) => {
        if (op.index !== 'hr-sessions' || !failSession) return undefined;
        failSession = false;
        return { status: 409, type: 'version_conflict_engine_exception' };
      };
      const event = kinesisEvent([...records.slice(3, 8), reading(other.key, 0)], 4);

      const results = await consumeUntilDone(event);

      expect(results[0]?.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber }]);
      expect(results).toHaveLength(2);
      expect(await store.getSession(viewId)).toMatchObject({ count: 8, avgBpm: 53.5 });
      expect(await store.getSession(other.viewId)).toMatchObject({ count: 1 });
      expect((await readAll()).readings.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('fails the whole batch when the domain is unreachable', async () => {
      await standIn.stop();
      const event = kinesisEvent(records.slice(0, 2));

      const result = await consume(event);
      standIn = await startOpenSearchStandIn({ ...CREDENTIALS, region: REGION, service: 'es' });

      expect(result.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber }]);
    });
  });

  describe('durable before searchable (push)', () => {
    const write = (seq: number, n: number): LiveWrite => ({ kind: 'reading', viewId, seq, t: NOW, bpm: 60 + seq, receivedAt: NOW, streamSeq: streamSeq(n) });

    it('hands the readings to onDurable before the refresh wait answers, and raises the watermark only after it', async () => {
      // Prepare: the domain answers refresh=wait_for only at its next refresh, as a real one does.
      standIn.holdWaitFor = true;
      const durable: Array<{ changes: SessionChange[]; sessionDoc: unknown }> = [];
      let settled = false;

      // Act
      const writing = (store.writeBatchWithChanges as NonNullable<typeof store.writeBatchWithChanges>)([write(0, 1), write(1, 2), write(2, 3)], async (changes) => {
        durable.push({ changes, sessionDoc: await store.getSession(viewId) });
      }).finally(() => (settled = true));
      await vi.waitFor(() => expect(bulkRequests().filter((r) => r.query.get('refresh') === 'wait_for')).toHaveLength(1));
      await vi.waitFor(() => expect(durable).toHaveLength(1));
      const pageWhileWaiting = await store.getReadings(viewId, '0', 10);
      const settledWhileWaiting = settled;
      standIn.refresh();
      const { results, changes } = await writing;

      // Assess: the readings went out while the wait was held, before any session document or searchable reading.
      const [early] = durable[0]?.changes ?? [];
      expect(durable[0]?.sessionDoc).toBeNull();
      expect(settledWhileWaiting).toBe(false);
      expect(pageWhileWaiting.readings).toEqual([]);
      expect(early?.readings.map((r) => r.reading.seq)).toEqual([0, 1, 2]);
      expect(early).toMatchObject({ from: '0', stateChanged: false });
      expect(results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored']);
      // Once the wait answered, the live API serves exactly what was handed on, up to the same cursor.
      const page = await readAll();
      expect(page.readings).toEqual(early?.readings.map((r) => r.reading));
      expect(page.cursor).toBe(early?.readings.at(-1)?.cursor);
      expect(changes[0]?.session.cursor).toBe(page.cursor);
    });

    it('fails a session whose refresh wait fails, and waits again on the retry for the readings the first attempt created', async () => {
      // Prepare: the first refresh wait is throttled.
      let waits = 0;
      standIn.bulkFault = (op) => (op.action === 'index' && op.index.startsWith('hr-readings') && waits++ === 0 ? { status: 429, type: 'es_rejected_execution_exception' } : undefined);
      const event = kinesisEvent([reading(key, 0), reading(key, 1)]);

      // Act
      const first = await consume(event);
      const visibleAfterFirst = await readAll();
      const results = await consumeUntilDone(redeliverFrom(event, first.batchItemFailures[0]?.itemIdentifier ?? ''));

      // Assess: nothing counted until a wait succeeded; the retry created nothing but waited again; each reading once.
      expect(first.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]?.kinesis.sequenceNumber }]);
      expect(visibleAfterFirst.readings).toEqual([]);
      expect(results).toHaveLength(1);
      const retryBulks = bulkRequests().slice(-2);
      expect(retryBulks.map((r) => r.query.get('refresh'))).toEqual(['wait_for', null]);
      expect(ndjson(retryBulks[0] as RecordedRequest)[0]).toEqual({ index: { _index: readingsIndexFor(NOW, NOW), _id: `${viewId}:1`, routing: viewId } });
      expect((await readAll()).readings.map((r) => r.seq)).toEqual([0, 1]);
      expect(await store.getSession(viewId)).toMatchObject({ count: 2 });
    });
  });

  describe('cursor', () => {
    it('never lets a reader miss a resend that arrives after later readings', async () => {
      // Prepare: seq 0, 2, 3 arrive; a reader takes them; then the resent seq 1 arrives in a later record.
      await consume(kinesisEvent([reading(key, 0), reading(key, 2), reading(key, 3)], 1));
      const seen = await readAll();

      // Act
      await consume(kinesisEvent([reading(key, 1)], 10));
      const next = await readAll(viewId, seen.cursor);

      // Assess
      expect(seen.readings.map((r) => r.seq)).toEqual([0, 2, 3]);
      expect(next.readings.map((r) => r.seq)).toEqual([1]);
      expect(next.cursor).toBe(streamSeq(10).replace(/^0+/, ''));
    });

    it('pages with a limit and says when more is waiting', async () => {
      await consume(kinesisEvent(Array.from({ length: 5 }, (_, seq) => reading(key, seq))));

      const first = await store.getReadings(viewId, '0', 2);
      const all = await readAll(viewId, '0', 2);

      expect(first.readings.map((r) => r.seq)).toEqual([0, 1]);
      expect(first.more).toBe(true);
      expect(all.readings.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
      expect(await store.getReadings(viewId, all.cursor, 2)).toEqual({ readings: [], cursor: all.cursor, more: false });
    });
  });

  describe('rate limit and retention', () => {
    const DAY_MS = 86_400_000;

    it('cuts a session to its bucket, keeps the bucket in the session document, and never calls a duplicate limited', async () => {
      // Prepare: a burst and five more, all received at once, in batches of 500 as the event source delivers them.
      const burst = SESSION_RATE_LIMIT.burst;
      const flood = Array.from({ length: burst + 5 }, (_, seq) => reading(key, seq, { t: NOW - 1000 }));
      const events = Array.from({ length: Math.ceil(flood.length / 500) }, (_, k) => kinesisEvent(flood.slice(k * 500, (k + 1) * 500), 1 + k * 500));

      // Act
      const results: ConsumerBatchResult[] = [];
      for (const event of events) results.push(await consume(event));
      const again = await consume(kinesisEvent([flood[0] as (typeof flood)[number], flood[burst] as (typeof flood)[number]], 20_000));

      // Assess
      expect(results.reduce((n, r) => n + r.stored, 0)).toBe(burst);
      expect(results.reduce((n, r) => n + r.dropped['rate-limited'], 0)).toBe(5);
      expect(again).toMatchObject({ stored: 0, duplicates: 1, dropped: expect.objectContaining({ 'rate-limited': 1 }) });
      expect((await store.getSession(viewId))?.count).toBe(burst);
      expect(standIn.indices.get('hr-sessions')?.docs.get(viewId)?.source).toMatchObject({ tokens: 0, tokensAt: NOW, lastActiveAt: NOW });
    });

    it('deletes session documents inactive since the cutoff with one delete by query, keeping active ones', async () => {
      // Prepare: one session last active 8 days ago, one now, and one written before lastActiveAt existed.
      const old = sessionKeys(23);
      const eightDaysAgo = NOW - 8 * DAY_MS;
      await consume(kinesisEvent([{ data: reading(old.key, 0, { t: eightDaysAgo - 1000 }), arrivalMs: eightDaysAgo }, reading(key, 0)]));
      await client.bulk({ body: [{ index: { _index: 'hr-sessions', _id: other.viewId } }, { viewId: other.viewId, count: 1, sumBpm: 60, lastReceivedAt: eightDaysAgo }] });
      standIn.refresh();

      // Act
      const deleted = await store.deleteSessionsInactiveBefore(NOW - 7 * DAY_MS);

      // Assess
      expect(deleted).toBe(2);
      expect(await store.getSession(old.viewId)).toBeNull();
      expect(await store.getSession(other.viewId)).toBeNull();
      expect((await store.getSession(viewId))?.count).toBe(1);
      const request = standIn.requests.find((r) => r.path === '/hr-sessions/_delete_by_query');
      expect(request?.method).toBe('POST');
      expect(request?.query.get('conflicts')).toBe('proceed');
    });

    it('reaches a sessions index created before the new fields: the setup puts the mapping, then writes pass', async () => {
      // Prepare: the sessions index as an older release created it, without the rate limit and activity fields.
      await client.close();
      await standIn.stop();
      standIn = await startOpenSearchStandIn({ ...CREDENTIALS, region: REGION, service: 'es' });
      client = createSignedOpenSearchClient({ endpoint: standIn.url, region: REGION, getCredentials: async () => CREDENTIALS });
      store = createOpenSearchStore(client);
      const { tokens: _tokens, tokensAt: _tokensAt, lastActiveAt: _lastActiveAt, ...oldProperties } = SESSIONS_INDEX_TEMPLATE.template.mappings.properties;
      const oldTemplate = { ...SESSIONS_INDEX_TEMPLATE, template: { ...SESSIONS_INDEX_TEMPLATE.template, mappings: { dynamic: 'strict', properties: oldProperties } } };
      await putIndexTemplates(createDomainHttp(client), { 'hr-readings': READINGS_INDEX_TEMPLATE, 'hr-sessions': oldTemplate });
      await client.bulk({ body: [{ index: { _index: 'hr-sessions', _id: other.viewId } }, { viewId: other.viewId, count: 0, sumBpm: 0 }] });
      const refused = await consume(kinesisEvent([reading(key, 0)]));

      // Act
      await putIndexTemplates(createDomainHttp(client), INDEX_TEMPLATES);
      const passed = await consume(kinesisEvent([reading(key, 0)]));

      // Assess: without the mapping every session write fails and is retried; with it, the reading is stored.
      expect(refused.batchItemFailures).toHaveLength(1);
      expect(passed).toMatchObject({ batchItemFailures: [], stored: 1 });
    });
  });

  describe('display name', () => {
    it('keeps the name and max HR in the session document under the strict mapping; the newest by seq wins', async () => {
      // Act
      const first = await consume(kinesisEvent([control(key, 0, { name: '<img src=x onerror=alert(1)>', maxHr: 175 }), reading(key, 1)]));
      await consume(kinesisEvent([control(key, 2, { name: 'Ann 🏃' }), control(key, 1, { name: 'Old' })], 3));

      // Assess: a field missing from the mapping would have been refused by the stand-in.
      expect(first).toMatchObject({ batchItemFailures: [], stored: 2 });
      expect(await store.getSession(viewId)).toMatchObject({ name: 'Ann 🏃', maxHr: 175 });
    });
  });

  describe('alerts', () => {
    const settings: AlertSettings = {
      rules: [
        { id: 'high', kind: 'high', bpm: 150, forS: 0 },
        { id: 'silent', kind: 'no-data', forS: 10 },
        { id: 'contact', kind: 'contact-lost', forS: 0 },
      ],
      hysteresisBpm: 3,
      repeatAfterS: 60,
    };
    const shareRules: ControlRecord = { v: 1, key, seq: 0, t: NOW - 1000, alerts: { share: true, settings } };

    it('keeps the rules, the engine state and the events in the session document; a replayed batch adds no event', async () => {
      // Prepare
      const gap = JSON.stringify({ v: 1, key, seq: 3, t: NOW - 1000, bpm: 0, contact: false });
      const event = kinesisEvent([shareRules, reading(key, 1, { bpm: 120 }), reading(key, 2, { bpm: 160 }), { data: gap }]);

      // Act
      const first = await consume(event);
      const replay = await consume(event);
      const session = await store.getSession(viewId);

      // Assess: every write passed the strict mapping, and the events are there once.
      expect(first).toMatchObject({ batchItemFailures: [], stored: 3 });
      expect(first.dropped['contact-gap']).toBe(1);
      expect(replay.batchItemFailures).toEqual([]);
      expect(session?.alerts).toEqual({
        share: true,
        settings,
        active: ['high', 'contact'],
        recent: [
          { ruleId: 'high', kind: 'high', type: 'fired', at: NOW, value: 160 },
          { ruleId: 'contact', kind: 'contact-lost', type: 'fired', at: NOW, value: null },
        ],
      });
    });

    it('fires "no data" from the clock with one search and one versioned bulk write, and never twice', async () => {
      // Prepare
      await consume(kinesisEvent([shareRules, reading(key, 1, { bpm: 80 })]));
      standIn.refresh();
      standIn.requests.length = 0;

      // Act
      const fired = await foldAlertClock({ store, now: () => NOW + 10_500, log: silentLogger });
      standIn.refresh();
      const again = await foldAlertClock({ store, now: () => NOW + 11_500, log: silentLogger });

      // Assess
      expect(fired).toEqual({ sessions: 1, events: 1 });
      expect(again.events).toBe(0);
      expect((await store.getSession(viewId))?.alerts?.recent).toEqual([{ ruleId: 'silent', kind: 'no-data', type: 'fired', at: NOW + 10_000, value: null }]);
      const [search, write] = standIn.requests;
      expect(search?.path).toBe('/hr-sessions/_search');
      expect(write?.path).toBe('/hr-sessions/_bulk');
      expect(Object.values(ndjson(write as RecordedRequest)[0] as object)[0]).toMatchObject({ _id: viewId, if_seq_no: expect.any(Number) });
    });

    it('skips a session the consumer wrote since the search saw it, and folds it from its newer state next time', async () => {
      // Prepare: the search (refreshed once a second) still sees the session as it was before reading 2.
      await consume(kinesisEvent([shareRules, reading(key, 1, { bpm: 80 })]));
      standIn.refresh();
      await consume(kinesisEvent([reading(key, 2, { bpm: 81 })], 50));

      // Act
      const skipped = await foldAlertClock({ store, now: () => NOW + 10_500, log: silentLogger });
      standIn.refresh();
      const folded = await foldAlertClock({ store, now: () => NOW + 10_500, log: silentLogger });

      // Assess: the stale write was refused by its version; the next run stored the event once, from the new state.
      expect(skipped.events).toBe(0);
      expect(folded.events).toBe(1);
      const session = await store.getSession(viewId);
      expect(session?.lastSeq).toBe(2);
      expect(session?.alerts?.recent).toHaveLength(1);
    });
  });
});

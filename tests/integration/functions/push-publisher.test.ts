// The AWS push channel's publishing side, verified at the contract level only: the consumer's publisher over real
// HTTP to a stand-in of AppSync Events' publish endpoint that checks every request (signature, path, body, at most 5
// events, the channel of each event's own session, every event a LiveEvent), behind the real consumer and the
// OpenSearch store against its stand-in. No AppSync or OpenSearch runs here.
import type { Client } from '@opensearch-project/opensearch';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LiveEvent, ReadingsEvent } from '../../../src/core/live-events.ts';
import { pushChannelOf } from '../../../src/core/push-channel-name.ts';
import { foldAlertClock } from '../../../functions/alert-clock/fold-alert-clock.ts';
import { processKinesisBatch } from '../../../functions/consumer/process-batch.ts';
import type { AlertClockStore } from '../../../functions/store/alert-clock-store.ts';
import type { AlertSettings } from '../../../src/core/alert-rules.ts';
import type { ControlRecord } from '../../../src/core/record.ts';
import { createJsonLogger, type Logger } from '../../../functions/lib/logger.ts';
import { putIndexTemplates } from '../../../functions/opensearch-setup/apply-setup.ts';
import { createDomainHttp } from '../../../functions/opensearch-setup/domain-http.ts';
import { createAppSyncPublisher, MAX_EVENTS_PER_REQUEST, type LivePublisher } from '../../../functions/push/appsync-publisher.ts';
import { createSignedOpenSearchClient } from '../../../functions/store/opensearch-client.ts';
import { INDEX_TEMPLATES } from '../../../functions/store/opensearch-indices.ts';
import { createOpenSearchStore } from '../../../functions/store/opensearch-store.ts';
import type { LiveStore } from '../../../functions/store/live-store.ts';
import { NOW, control, kinesisEvent, reading, sessionKeys } from '../../unit/functions/support/kinesis-events.ts';
import { startAppSyncPublishStandIn, type AppSyncPublishStandIn } from './support/appsync-publish-stand-in.ts';
import { startOpenSearchStandIn, type OpenSearchStandIn } from './support/opensearch-stand-in.ts';

const REGION = 'eu-west-1';
const ROLE = { accessKeyId: 'ASIAPUSHPUBLISHER000', secretAccessKey: 'push/publisher/secret/for/tests/only/00', sessionToken: 'IQoJb3JpZ2luX2VjPUSH' };
const A = sessionKeys(61);
const B = sessionKeys(62);

function capturingLogger(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, ...createJsonLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
}

function sessionEvent(viewId: string, n: number): LiveEvent {
  return { type: 'session', viewId, session: { viewId, status: 'live', serverTime: NOW + n } };
}

describe('AppSync Events publisher (contract)', () => {
  let appsync: AppSyncPublishStandIn;
  let log: ReturnType<typeof capturingLogger>;
  let publisher: LivePublisher;

  beforeEach(async () => {
    appsync = await startAppSyncPublishStandIn({ ...ROLE, region: REGION, service: 'appsync' });
    log = capturingLogger();
    publisher = createAppSyncPublisher({ httpDomain: appsync.url, region: REGION, credentials: async () => ROLE, fetch, now: () => NOW, log });
  });

  afterEach(async () => {
    await appsync.stop();
  });

  it('sends each session its events on its own channel, at most 5 a request, in order, signed', async () => {
    // Prepare: 12 events of one session and 1 of another, interleaved.
    const events = [...Array.from({ length: 12 }, (_, n) => sessionEvent(A.viewId, n)), sessionEvent(B.viewId, 0)];
    [events[3], events[12]] = [events[12] as LiveEvent, events[3] as LiveEvent];

    // Act
    const counts = await publisher.publish(events);

    // Assess
    expect(appsync.violations).toEqual([]);
    expect(counts).toEqual({ events: 13, requests: 4, failedEvents: 0, failedRequests: 0 });
    expect(appsync.published.every((request) => request.events.length <= MAX_EVENTS_PER_REQUEST)).toBe(true);
    const onA = appsync.published.filter((r) => r.channel === pushChannelOf(A.viewId)).flatMap((r) => r.events);
    expect(onA).toEqual(events.filter((e) => e.viewId === A.viewId));
    expect(appsync.published.filter((r) => r.channel === pushChannelOf(B.viewId)).flatMap((r) => r.events)).toEqual([sessionEvent(B.viewId, 0)]);
    expect(log.lines).toEqual([]);
  });

  it('counts and logs a refused request and a partly failed one, without retrying or throwing', async () => {
    // Prepare: A's request fails with a 500, B's has its first event refused.
    appsync.fault = (channel) => (channel === pushChannelOf(A.viewId) ? 500 : 'partial');
    const events = [sessionEvent(A.viewId, 0), sessionEvent(B.viewId, 0), sessionEvent(B.viewId, 1)];

    // Act
    const counts = await publisher.publish(events);

    // Assess: two requests, never a third; the log names counts and error kinds, never a session.
    expect(appsync.attempts).toBe(2);
    expect(counts).toEqual({ events: 3, requests: 2, failedEvents: 2, failedRequests: 1 });
    expect(log.lines).toEqual([{ level: 'error', message: 'push publish failed', events: 3, requests: 2, failedEvents: 2, failedRequests: 1, errors: ['PublishError (500)'] }]);
    expect(JSON.stringify(log.lines)).not.toContain(A.viewId);
  });

  it('gives up on an endpoint that cannot be reached, counted', async () => {
    // Prepare
    await appsync.stop();
    const unreachable = createAppSyncPublisher({ httpDomain: appsync.url, region: REGION, credentials: async () => ROLE, fetch, now: () => NOW, log });

    // Act
    const counts = await unreachable.publish([sessionEvent(A.viewId, 0)]);

    // Assess
    expect(counts).toEqual({ events: 1, requests: 1, failedEvents: 1, failedRequests: 1 });
    appsync = await startAppSyncPublishStandIn({ ...ROLE, region: REGION, service: 'appsync' });
  });

  describe('behind the consumer and the OpenSearch store', () => {
    let openSearch: OpenSearchStandIn;
    let client: Client;
    let store: LiveStore;

    beforeEach(async () => {
      openSearch = await startOpenSearchStandIn({ ...ROLE, region: REGION, service: 'es' });
      client = createSignedOpenSearchClient({ endpoint: openSearch.url, region: REGION, getCredentials: async () => ROLE });
      await putIndexTemplates(createDomainHttp(client), INDEX_TEMPLATES);
      store = createOpenSearchStore(client);
    });

    afterEach(async () => {
      await client.close();
      await openSearch.stop();
    });

    const consume = (records: Parameters<typeof kinesisEvent>[0], firstSeq: number) =>
      processKinesisBatch(kinesisEvent(records, firstSeq), { store, now: () => NOW, log, push: publisher });

    it('publishes one readings event per session per batch whose readings and cursors are what the live API serves', async () => {
      // Prepare
      const searchesBefore = () => openSearch.requests.filter((r) => r.path.includes('_search') || r.method === 'GET').length;

      // Act: two batches of two sessions, interleaved as on a shard.
      const reads = searchesBefore();
      await consume([reading(A.key, 0), reading(B.key, 0), reading(A.key, 1), reading(A.key, 2)], 1);
      await consume([reading(B.key, 1), reading(A.key, 3)], 10);
      const readsDuringConsume = searchesBefore() - reads;

      // Assess: every event checked by the stand-in; no store read beyond the consumer's own.
      expect(appsync.violations).toEqual([]);
      expect(readsDuringConsume).toBe(0);
      const events = appsync.published.flatMap((r) => r.events) as ReadingsEvent[];
      expect(events.map((e) => [e.viewId === A.viewId ? 'A' : 'B', e.readings.map((r) => r.seq)])).toEqual([
        ['A', [0, 1, 2]],
        ['B', [0]],
        ['B', [1]],
        ['A', [3]],
      ]);
      for (const { viewId } of [A, B]) {
        const mine = events.filter((e) => e.viewId === viewId);
        // Chained: each event starts where the previous one ended, from the start of the session.
        expect(mine.map((e) => e.from)).toEqual(['0', (mine[0] as ReadingsEvent).next]);
        openSearch.refresh();
        const page = await store.getReadings(viewId, '0', 100);
        const session = await store.getSession(viewId);
        expect(mine.flatMap((e) => e.readings)).toEqual(page.readings);
        expect((mine[1] as ReadingsEvent).next).toBe(page.cursor);
        expect((mine[1] as ReadingsEvent).session).toMatchObject({ status: 'live', count: page.readings.length, cursor: session?.cursor });
      }
    });

    it('publishes a session event for an end mark, a session event with no readings for a revoke, and nothing for a replay', async () => {
      // Prepare
      await consume([reading(A.key, 0)], 1);
      appsync.published.length = 0;

      // Act
      await consume([control(A.key, 1, { end: true })], 5);
      await consume([control(A.key, 1, { end: true })], 5);
      await consume([reading(A.key, 2), control(A.key, 3, { exp: NOW - 2000 })], 9);

      // Assess
      expect(appsync.violations).toEqual([]);
      const events = appsync.published.flatMap((r) => r.events);
      expect(events).toEqual([
        { type: 'session', viewId: A.viewId, session: expect.objectContaining({ status: 'ended', count: 1 }) },
        { type: 'session', viewId: A.viewId, session: { viewId: A.viewId, status: 'revoked', serverTime: NOW } },
      ]);
    });

    it('the alert clock publishes a session event with the "no data" alert it stored, once; a refused publish is counted, not retried', async () => {
      // Prepare: A shares a "no data" rule and falls silent; B too, but its channel refuses.
      const settings: AlertSettings = { rules: [{ id: 'silent', kind: 'no-data', forS: 10 }], hysteresisBpm: 3, repeatAfterS: 60 };
      const rules = (key: string): ControlRecord => ({ v: 1, key, seq: 0, t: NOW - 1000, alerts: { share: true, settings } });
      for (const [k, { key }] of [A, B].entries()) await consume([rules(key), reading(key, 1, { bpm: 80 })], 1 + 10 * k);
      openSearch.refresh();
      appsync.published.length = 0;
      const attemptsBefore = appsync.attempts;
      appsync.fault = (channel) => (channel === pushChannelOf(B.viewId) ? 500 : undefined);

      // Act
      const fired = await foldAlertClock({ store: store as LiveStore & AlertClockStore, now: () => NOW + 10_500, log, push: publisher });
      openSearch.refresh();
      const again = await foldAlertClock({ store: store as LiveStore & AlertClockStore, now: () => NOW + 11_500, log, push: publisher });

      // Assess: one session event for A, as the live API would answer then; B's refused, counted and logged once.
      expect(fired).toEqual({ sessions: 2, events: 2 });
      expect(again.events).toBe(0);
      expect(appsync.violations).toEqual([]);
      const events = appsync.published.flatMap((r) => r.events);
      expect(events).toEqual([
        {
          type: 'session',
          viewId: A.viewId,
          session: expect.objectContaining({
            status: 'stale',
            alerts: expect.objectContaining({ active: ['silent'], recent: [{ ruleId: 'silent', kind: 'no-data', type: 'fired', at: NOW + 10_000, value: null }] }),
          }),
        },
      ]);
      expect(appsync.attempts - attemptsBefore).toBe(2);
      expect(log.lines.find((l) => l.message === 'alert clock stored events')).toMatchObject({ pushedEvents: 1, pushFailedEvents: 1 });
      expect(log.lines.filter((l) => l.message === 'push publish failed')).toHaveLength(1);
    });

    it('publishes nothing for a batch whose readings the store could not write', async () => {
      // Prepare: the readings' write is throttled.
      openSearch.bulkFault = (op) => (op.action === 'create' && op.index.startsWith('hr-readings') ? { status: 429, type: 'es_rejected_execution_exception' } : undefined);

      // Act
      const result = await consume([reading(A.key, 0)], 1);

      // Assess
      expect(result.batchItemFailures).toHaveLength(1);
      expect(appsync.attempts).toBe(0);
    });

    it('publishes durable readings even when the session document then fails, and the same event again on the retry', async () => {
      // Prepare: the first session document write is throttled.
      let sessionWrites = 0;
      openSearch.bulkFault = (op) => (op.index === 'hr-sessions' && sessionWrites++ === 0 ? { status: 429, type: 'es_rejected_execution_exception' } : undefined);

      // Act
      const first = await consume([reading(A.key, 0), reading(A.key, 1)], 1);
      const second = await consume([reading(A.key, 0), reading(A.key, 1)], 1);

      // Assess: the viewer gets the readings twice with the same cursors, and shows them once (it keeps each seq once).
      expect(first.batchItemFailures).toHaveLength(1);
      expect(second.batchItemFailures).toEqual([]);
      expect(appsync.violations).toEqual([]);
      const events = appsync.published.flatMap((r) => r.events) as ReadingsEvent[];
      expect(events.map((e) => [e.from, e.readings.map((r) => r.seq)])).toEqual([
        ['0', [0, 1]],
        ['0', [0, 1]],
      ]);
      expect(events[0]?.next).toBe(events[1]?.next);
      expect(events[1]?.next).toBe((await store.getSession(A.viewId))?.cursor);
    });
  });
});

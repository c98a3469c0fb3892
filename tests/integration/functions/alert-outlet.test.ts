// The alert outlet in AWS, verified at the contract level only: the SNS outlet through the real SDK client over real
// HTTP to a stand-in that checks every request (action, topic, attributes, signature); the alerts index through the
// OpenSearch client to the signing-checking stand-in; and both behind the consumer and the alert clock, after the
// store's write. No SNS or OpenSearch runs here.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Client } from '@opensearch-project/opensearch';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../../../src/core/alert-engine.ts';
import type { AlertSettings } from '../../../src/core/alert-rules.ts';
import type { ControlRecord, ReadingRecord } from '../../../src/core/record.ts';
import { foldAlertClock } from '../../../functions/alert-clock/fold-alert-clock.ts';
import { alertEventId, combineAlertOutlets, type AlertOutlet } from '../../../functions/alerts/alert-outlet.ts';
import { createAlertsIndexOutlet } from '../../../functions/alerts/alerts-index-outlet.ts';
import { createLogAlertOutlet } from '../../../functions/alerts/log-alert-outlet.ts';
import { createSnsAlertOutlet, toAlertMessage } from '../../../functions/alerts/sns-alert-outlet.ts';
import { processKinesisBatch } from '../../../functions/consumer/process-batch.ts';
import { createJsonLogger, type Logger } from '../../../functions/lib/logger.ts';
import { putIndexTemplates } from '../../../functions/opensearch-setup/apply-setup.ts';
import { createDomainHttp } from '../../../functions/opensearch-setup/domain-http.ts';
import { createSignedOpenSearchClient } from '../../../functions/store/opensearch-client.ts';
import { INDEX_TEMPLATES } from '../../../functions/store/opensearch-indices.ts';
import { createOpenSearchStore } from '../../../functions/store/opensearch-store.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../../functions/store/sqlite-store.ts';
import { NOW, kinesisEvent, sessionKeys, type RawRecord } from '../../unit/functions/support/kinesis-events.ts';
import { startOpenSearchStandIn, type OpenSearchStandIn } from './support/opensearch-stand-in.ts';
import { startSnsStandIn, type SnsStandIn } from './support/sns-stand-in.ts';

const CREDENTIALS = { accessKeyId: 'AKIDALERTOUTLET00000', secretAccessKey: 'alert/outlet/secret/for/tests/only/0000' };
const REGION = 'eu-west-1';
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:liveheartrate-alerts';
const { key, viewId } = sessionKeys(41);

const SETTINGS: AlertSettings = {
  rules: [
    { id: 'high', kind: 'high', bpm: 150, forS: 0 },
    { id: 'silent', kind: 'no-data', forS: 10 },
  ],
  hysteresisBpm: 3,
  repeatAfterS: 60,
};
const FIRED: AlertEvent = { ruleId: 'high', kind: 'high', type: 'fired', at: NOW, value: 160 };
const CLEARED: AlertEvent = { ruleId: 'high', kind: 'high', type: 'cleared', at: NOW + 5000, value: 140 };

function rules(share = true): ControlRecord {
  return { v: 1, key, seq: 0, t: NOW - 1000, alerts: { share, settings: SETTINGS } };
}

function beat(seq: number, bpm: number): RawRecord {
  const record: ReadingRecord = { v: 1, key, seq, t: NOW - 60_000 + seq * 1000, bpm, contact: true };
  return { data: record, arrivalMs: NOW };
}

function capturingLogger(): Logger & { lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, ...createJsonLogger((line) => lines.push(JSON.parse(line) as Record<string, unknown>)) };
}

describe('alert outlet (contract)', () => {
  let sns: SnsStandIn;
  let snsClient: SNSClient;

  beforeEach(async () => {
    sns = await startSnsStandIn({ ...CREDENTIALS, region: REGION, service: 'sns', topicArn: TOPIC_ARN });
    snsClient = new SNSClient({
      region: REGION,
      endpoint: sns.url,
      credentials: CREDENTIALS,
      maxAttempts: 3,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 }),
    });
  });

  afterEach(async () => {
    snsClient.destroy();
    await sns.stop();
    expect(sns.violations).toEqual([]);
  });

  describe('SNS', () => {
    it('publishes each event as a signed Publish to the topic, with its identity and filterable attributes', async () => {
      // Prepare
      const log = capturingLogger();
      const outlet = createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log });

      // Act
      const result = await outlet.publish([FIRED, CLEARED], { viewId, share: true });

      // Assess
      expect(result).toEqual({ published: 2, failed: 0 });
      expect(sns.published.map((m) => JSON.parse(m.message) as unknown)).toEqual([
        toAlertMessage(FIRED, { viewId, share: true }),
        toAlertMessage(CLEARED, { viewId, share: true }),
      ]);
      expect(JSON.parse(sns.published[0]?.message ?? '{}')).toEqual({
        id: `${viewId}:high:fired:${NOW}`,
        viewId,
        ruleId: 'high',
        kind: 'high',
        type: 'fired',
        at: NOW,
        time: new Date(NOW).toISOString(),
        value: 160,
        shared: true,
      });
      expect(sns.published[0]?.attributes).toEqual({ eventId: alertEventId(viewId, FIRED), kind: 'high', type: 'fired', shared: 'true' });
      expect(sns.published[0]?.subject).toBe('liveheartrate alert: high fired');
      expect(log.lines).toEqual([]);
    });

    it('counts a Publish SNS refuses as failed, logs it without the event, and never throws', async () => {
      // Prepare: SNS refuses every publish (a policy that does not allow the role).
      sns.fault = () => ({ status: 403, code: 'AuthorizationError' });
      const log = capturingLogger();
      const outlet = createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log });

      // Act
      const result = await outlet.publish([FIRED], { viewId, share: false });

      // Assess: a client error is not retried; the log names the outlet and the error's kind only.
      expect(result).toEqual({ published: 0, failed: 1 });
      expect(sns.attempts).toBe(1);
      expect(log.lines).toEqual([{ level: 'error', message: 'alert publish failed', outlet: 'sns', error: 'AuthorizationErrorException' }]);
      expect(JSON.stringify(log.lines)).not.toContain(viewId);
    });

    it('retries a server error within the client and counts the event published once SNS takes it', async () => {
      // Prepare
      sns.fault = (attempt) => (attempt === 1 ? { status: 500, code: 'InternalError' } : undefined);
      const outlet = createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log: capturingLogger() });

      // Act
      const result = await outlet.publish([FIRED], { viewId, share: true });

      // Assess
      expect(result).toEqual({ published: 1, failed: 0 });
      expect(sns.attempts).toBe(2);
      expect(sns.published).toHaveLength(1);
    });
  });

  describe('behind the consumer and the SQLite store', () => {
    let dir: string;
    let store: SqliteLiveStore;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'lhr-outlet-'));
      store = openSqliteStore(join(dir, 'live.db'));
    });

    afterEach(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    function consume(records: RawRecord[], outlet: AlertOutlet, log: Logger, firstSeq = 1) {
      return processKinesisBatch(kinesisEvent(records, firstSeq), { store, now: () => NOW, log, alerts: outlet });
    }

    it('publishes a stored event once: a replayed batch publishes nothing, and the batch line counts AlertsFired', async () => {
      // Prepare
      const log = capturingLogger();
      const outlet = createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log });
      const batch = [{ data: rules(), arrivalMs: NOW }, beat(1, 120), beat(2, 160)];

      // Act
      await consume(batch, outlet, log);
      await consume(batch, outlet, log);

      // Assess
      expect(sns.published.map((m) => m.attributes.eventId)).toEqual([alertEventId(viewId, FIRED)]);
      expect(store.alertLog(viewId)).toEqual([FIRED]);
      expect(log.lines).toHaveLength(1);
      expect(log.lines[0]).toMatchObject({
        message: 'consumer batch stored alert events',
        _aws: { CloudWatchMetrics: [{ Namespace: 'liveheartrate', Dimensions: [[]], Metrics: [{ Name: 'AlertsFired', Unit: 'Count' }, { Name: 'AlertPublishFailures', Unit: 'Count' }] }] },
        AlertsFired: 1,
        AlertPublishFailures: 0,
      });
    });

    it('keeps the event and the batch when SNS fails: no retry of the batch, AlertPublishFailures counted', async () => {
      // Prepare
      sns.fault = () => ({ status: 500, code: 'InternalError' });
      const log = capturingLogger();
      const outlet = createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log });

      // Act
      const result = await consume([{ data: rules(), arrivalMs: NOW }, beat(1, 160)], outlet, log);

      // Assess: the event is stored and served; the failure is a metric, not a re-delivered batch.
      expect(result.batchItemFailures).toEqual([]);
      expect(sns.attempts).toBe(3);
      expect(store.alertLog(viewId)).toEqual([FIRED]);
      expect((await store.getSession(viewId))?.alerts?.recent).toEqual([FIRED]);
      expect(log.lines.at(-1)).toMatchObject({ AlertsFired: 1, AlertPublishFailures: 1 });
    });

    it('logs one line per event in the embedded stack, without the view id or the heart rate', async () => {
      // Prepare
      const log = capturingLogger();

      // Act
      await consume([{ data: rules(false), arrivalMs: NOW }, beat(1, 160)], createLogAlertOutlet(log), log);

      // Assess
      expect(log.lines[0]).toEqual({ level: 'info', message: 'alert event', ruleId: 'high', kind: 'high', type: 'fired', at: NOW, shared: false });
      expect(JSON.stringify(log.lines)).not.toContain(viewId);
      expect(JSON.stringify(log.lines[0])).not.toContain('160');
    });
  });

  describe('the alerts index and the alert clock (OpenSearch stand-in)', () => {
    let openSearch: OpenSearchStandIn;
    let client: Client;

    beforeEach(async () => {
      openSearch = await startOpenSearchStandIn({ ...CREDENTIALS, region: REGION, service: 'es' });
      client = createSignedOpenSearchClient({ endpoint: openSearch.url, region: REGION, getCredentials: async () => CREDENTIALS });
      await putIndexTemplates(createDomainHttp(client), INDEX_TEMPLATES);
      openSearch.requests.length = 0;
    });

    afterEach(async () => {
      await client.close();
      await openSearch.stop();
    });

    it('writes each event to its day index under its identity, through the index path, passing the strict mapping', async () => {
      // Prepare: one event a day old (the clock found it late), one now.
      const late: AlertEvent = { ruleId: 'silent', kind: 'no-data', type: 'fired', at: NOW - 36 * 3_600_000, value: null };
      const outlet = createAlertsIndexOutlet({ client, now: () => NOW, log: capturingLogger() });

      // Act
      const first = await outlet.publish([late, FIRED], { viewId, share: true });
      const again = await outlet.publish([FIRED], { viewId, share: true });

      // Assess: the old event is clamped into the live horizon's days; a re-write replaces the document with itself.
      expect(first).toEqual({ published: 2, failed: 0 });
      expect(again).toEqual({ published: 1, failed: 0 });
      expect(openSearch.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
        'PUT /hr-alerts-2026-11-27/_bulk',
        'PUT /hr-alerts-2026-11-28/_bulk',
        'PUT /hr-alerts-2026-11-28/_bulk',
      ]);
      expect(openSearch.requests.every((r) => r.signature.ok)).toBe(true);
      const today = openSearch.indices.get('hr-alerts-2026-11-28');
      expect([...(today?.docs.keys() ?? [])]).toEqual([alertEventId(viewId, FIRED)]);
      expect(today?.docs.get(alertEventId(viewId, FIRED))?.source).toEqual({
        id: alertEventId(viewId, FIRED),
        viewId,
        ruleId: 'high',
        kind: 'high',
        type: 'fired',
        at: NOW,
        value: 160,
        shared: true,
      });
      expect(openSearch.indices.get('hr-alerts-2026-11-27')?.docs.size).toBe(1);
    });

    it('counts documents the index refuses as failed', async () => {
      // Prepare
      openSearch.bulkFault = () => ({ status: 429, type: 'es_rejected_execution_exception' });
      const log = capturingLogger();
      const outlet = createAlertsIndexOutlet({ client, now: () => NOW, log });

      // Act
      const result = await outlet.publish([FIRED, CLEARED], { viewId, share: true });

      // Assess
      expect(result).toEqual({ published: 0, failed: 2 });
      expect(log.lines).toEqual([{ level: 'error', message: 'alert publish failed', outlet: 'alerts-index', failed: 2 }]);
    });

    it('publishes the clock\'s "no data" to SNS and the index only once stored, and never again', async () => {
      // Prepare: the Lambdas' combination of outlets.
      const store = createOpenSearchStore(client);
      const log = capturingLogger();
      const outlet = combineAlertOutlets(createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log }), createAlertsIndexOutlet({ client, now: () => NOW + 10_500, log }));
      await processKinesisBatch(kinesisEvent([{ data: rules(), arrivalMs: NOW }, beat(1, 80)]), { store, now: () => NOW, log, alerts: outlet });
      openSearch.refresh();

      openSearch.requests.length = 0;

      // Act
      await foldAlertClock({ store, now: () => NOW + 10_500, log, alerts: outlet });
      const clockRequests = openSearch.requests.map((r) => `${r.method} ${r.path}`);
      openSearch.refresh();
      await foldAlertClock({ store, now: () => NOW + 11_500, log, alerts: outlet });

      // Assess
      const silent: AlertEvent = { ruleId: 'silent', kind: 'no-data', type: 'fired', at: NOW + 10_000, value: null };
      // The client sends a bulk with the index in its path as PUT: what the clock's domain policy must allow.
      expect(clockRequests).toEqual(['POST /hr-sessions/_search', 'PUT /hr-sessions/_bulk', 'PUT /hr-alerts-2026-11-28/_bulk']);
      expect(sns.published.map((m) => m.attributes.eventId)).toEqual([alertEventId(viewId, silent)]);
      expect([...(openSearch.indices.get('hr-alerts-2026-11-28')?.docs.keys() ?? [])]).toEqual([alertEventId(viewId, silent)]);
      expect(log.lines.filter((l) => l.message === 'alert clock stored events')).toEqual([
        expect.objectContaining({ sessions: 1, events: 1, AlertsFired: 1, AlertPublishFailures: 0 }),
      ]);
    });

    it('does not publish what the clock could not store (a session the consumer wrote meanwhile)', async () => {
      // Prepare: the search still sees the session before reading 2; the clock's versioned write is refused.
      const store = createOpenSearchStore(client);
      const log = capturingLogger();
      const outlet = createSnsAlertOutlet({ sns: snsClient, topicArn: TOPIC_ARN, log });
      await processKinesisBatch(kinesisEvent([{ data: rules(), arrivalMs: NOW }, beat(1, 80)]), { store, now: () => NOW, log });
      openSearch.refresh();
      await processKinesisBatch(kinesisEvent([beat(2, 81)], 50), { store, now: () => NOW, log });

      // Act
      const skipped = await foldAlertClock({ store, now: () => NOW + 10_500, log, alerts: outlet });

      // Assess
      expect(skipped.events).toBe(0);
      expect(sns.attempts).toBe(0);
    });
  });
});

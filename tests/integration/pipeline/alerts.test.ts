// Alerts end to end on the embedded stack: put on the local stream → runner → consumer → SQLite → live API over
// HTTP, and the stack's alert clock timer. The alert clock reads an injected clock, so "no data" is tested at
// a chosen moment instead of after a fixed sleep.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutRecordsCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AlertSettings } from '../../../src/core/alert-rules.ts';
import type { ReadingsBody, SessionBody } from '../../../src/core/live-api-types.ts';
import { encodeRecord, type ControlRecord, type ReadingRecord } from '../../../src/core/record.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { ALERT_CLOCK_INTERVAL_MS, startLocalStack, type LocalStack } from '../../../infra/local/local-stack.ts';
import { sessionKeys } from '../../unit/functions/support/kinesis-events.ts';

const STREAM = 'alerts';
const NO_DATA_S = 5;
const SETTINGS: AlertSettings = {
  rules: [
    { id: 'high', kind: 'high', bpm: 150, forS: 0 },
    { id: 'silent', kind: 'no-data', forS: NO_DATA_S },
  ],
  hysteresisBpm: 3,
  repeatAfterS: 60,
};

function rules(key: string, seq: number, share = true): ControlRecord {
  return { v: 1, key, seq, t: Date.now(), alerts: { share, settings: SETTINGS } };
}

function beat(key: string, seq: number, bpm: number): ReadingRecord {
  return { v: 1, key, seq, t: Date.now(), bpm, contact: true };
}

/** Probes until done(value) holds and returns that value; `what` names it in the failure. */
function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      expect(done(value), `${what}: ${JSON.stringify(value).slice(0, 300)}`).toBe(true);
      return value;
    },
    { timeout: 15_000, interval: 25 },
  );
}

describe('alerts on the embedded stack, seen through the live API over HTTP', () => {
  let root: string;
  let stack: LocalStack;
  let client: KinesisClient;
  /** What the alert clock reads; null = the real clock. */
  let clockAt: number | null = null;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-alerts-pipeline-'));
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: STREAM,
      region: 'us-east-1',
      distDir: root,
      dataDir: join(root, 'data'),
      pollIntervalMs: 20,
      now: () => clockAt ?? Date.now(),
    });
    client = createNodeKinesisClient(stack.kinesisEndpoint, 'us-east-1');
  });

  afterAll(async () => {
    client.destroy();
    await stack.stop();
    await rm(root, { recursive: true, force: true });
  });

  async function put(partitionKey: string, records: Array<ReadingRecord | ControlRecord>): Promise<void> {
    const out = await client.send(
      new PutRecordsCommand({ StreamName: STREAM, Records: records.map((r) => ({ Data: Buffer.from(encodeRecord(r)), PartitionKey: partitionKey })) }),
    );
    expect(out.FailedRecordCount ?? 0).toBe(0);
  }

  async function session(viewId: string): Promise<SessionBody> {
    return (await (await fetch(`${stack.apiUrl}/sessions/${viewId}`)).json()) as SessionBody;
  }

  it('shows one fired event for a crossed threshold, and a replayed batch adds none', async () => {
    // Prepare
    const { key, viewId } = sessionKeys(41);
    const batch = [rules(key, 0), beat(key, 1, 120), beat(key, 2, 160), beat(key, 3, 165)];

    // Act
    await put(viewId, batch);
    const fired = await waitFor(() => session(viewId), (body) => body.alerts?.active.includes('high') === true, 'high alert');
    const recordsBefore = stack.consumerStats().records;
    await put(viewId, batch);
    await waitFor(async () => stack.consumerStats().records, (n) => n >= recordsBefore + batch.length, 'replay consumed');
    const after = await session(viewId);

    // Assess
    expect(fired.alerts?.recent).toEqual([{ ruleId: 'high', kind: 'high', type: 'fired', at: expect.any(Number), value: 160 }]);
    expect(fired.alerts?.settings).toEqual(SETTINGS);
    expect(after.alerts?.recent).toEqual(fired.alerts?.recent);
    expect(stack.liveStore.alertLog(viewId)).toHaveLength(1);
  });

  it('fires "no data" from the stack\'s timer once the clock is within N + 2 s of the last reading, and wakes a long-poll', async () => {
    // Prepare
    const { key, viewId } = sessionKeys(42);
    await put(viewId, [rules(key, 0), beat(key, 1, 80)]);
    const live = await waitFor(() => session(viewId), (body) => body.count === 1 && body.alerts !== undefined, 'reading stored');
    const lastReceivedAt = live.lastReceivedAt as number;
    const poll = (): Promise<ReadingsBody> =>
      fetch(`${stack.apiUrl}/sessions/${viewId}/readings?after=${live.cursor as string}&wait=25000&alertsTag=${live.alertsTag as string}`).then(
        async (response) => (await response.json()) as ReadingsBody,
      );
    const polling = poll();

    // Act: the clock reads N s and one timer interval after the last reading, still inside N + 2 s.
    clockAt = lastReceivedAt + NO_DATA_S * 1000 + ALERT_CLOCK_INTERVAL_MS;
    const silent = await waitFor(() => session(viewId), (body) => body.alerts?.active.includes('silent') === true, 'no data');
    const woken = await polling;
    // A viewer that asks again with the tag it held before (the event landed between its requests) is told at once.
    const late = await poll();
    clockAt = null;

    // Assess: the event is dated when the silence reached its length, whenever the timer ran.
    expect(ALERT_CLOCK_INTERVAL_MS).toBeLessThanOrEqual(2000);
    expect(silent.alerts?.recent).toEqual([{ ruleId: 'silent', kind: 'no-data', type: 'fired', at: lastReceivedAt + NO_DATA_S * 1000, value: null }]);
    // The woken long-poll carries the alert itself: no second request is needed to see it.
    expect(woken).toMatchObject({ readings: [], alerts: silent.alerts, alertsTag: silent.alertsTag });
    expect(woken.alertsTag).not.toBe(live.alertsTag);
    expect(late).toMatchObject({ readings: [], alerts: silent.alerts, alertsTag: silent.alertsTag });
  });

  it('answers a long-poll at once when the broadcaster stops sharing alerts, and then serves none', async () => {
    // Prepare
    const { key, viewId } = sessionKeys(45);
    await put(viewId, [rules(key, 0), beat(key, 1, 80)]);
    const live = await waitFor(() => session(viewId), (body) => body.count === 1 && body.alerts !== undefined, 'reading stored');
    const polling = fetch(`${stack.apiUrl}/sessions/${viewId}/readings?after=${live.cursor as string}&wait=25000&alertsTag=${live.alertsTag as string}`).then(
      async (response) => (await response.json()) as ReadingsBody,
    );

    // Act
    await put(viewId, [rules(key, 2, false)]);
    const woken = await polling;

    // Assess
    expect(woken.readings).toEqual([]);
    expect(woken).not.toHaveProperty('alerts');
    expect(woken.alertsTag).toBe((await session(viewId)).alertsTag);
    expect(woken.alertsTag).not.toBe(live.alertsTag);
  });

  it('serves no alerts for a revoked session, nor while the broadcaster does not share them', async () => {
    // Prepare
    const revoked = sessionKeys(43);
    const unshared = sessionKeys(44);
    await put(revoked.viewId, [rules(revoked.key, 0), beat(revoked.key, 1, 170)]);
    await waitFor(() => session(revoked.viewId), (body) => body.alerts?.active.includes('high') === true, 'high alert');

    // Act
    const now = Date.now();
    await put(revoked.viewId, [{ v: 1, key: revoked.key, seq: 2, t: now, exp: now }]);
    const gone = await waitFor(() => session(revoked.viewId), (body) => body.status === 'revoked', 'revoked');
    await put(unshared.viewId, [rules(unshared.key, 0, false), beat(unshared.key, 1, 170)]);
    const hidden = await waitFor(() => session(unshared.viewId), (body) => body.count === 1, 'unshared session');

    // Assess
    expect(gone).not.toHaveProperty('alerts');
    expect(hidden.status).toBe('live');
    expect(hidden).not.toHaveProperty('alerts');
    expect(stack.liveStore.alertLog(unshared.viewId)).toHaveLength(1);
  });
});

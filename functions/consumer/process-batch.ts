// The stream consumer's whole logic, shared by the Lambda handler and the local stream runner: Kinesis
// records in, readings and session state written under their identity, a ReportBatchItemFailures answer out.
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import { isWithinLiveHorizon } from '../../src/core/live-horizon.ts';
import { MAX_RECORD_BYTES, decodeRecord, isControlRecord } from '../../src/core/record.ts';
import { createViewIdCache } from '../../src/core/session-key.ts';
import { publishStoredAlerts, type AlertOutlet, type AlertSession } from '../alerts/alert-outlet.ts';
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import type { LiveStore, LiveWrite, SessionChange, WriteResult } from '../store/live-store.ts';
import type { LivePublisher } from '../push/appsync-publisher.ts';
import { liveEventsOf } from '../push/live-events-of.ts';
import { describeError, type Logger } from '../lib/logger.ts';
import { createDropCounts, nonZeroCounts, type ConsumerDropReason, type DropCounts } from './drop-counts.ts';
import { dropMetricsFields } from './drop-metrics.ts';
import { receiveTimeOf } from './receive-time.ts';

export interface ConsumerDeps {
  store: LiveStore;
  now: () => number;
  log: Logger;
  /** Write key → view id; a bounded cache by default, since hashing every record would dominate the cost. */
  viewIdOf?: (writeKey: string) => string;
  /** Where stored alert events go (functions/alerts/); none: they stay in the store only. */
  alerts?: AlertOutlet;
  /**
   * Where what the batch changed is pushed to viewers (AWS: AppSync Events, functions/push/); none: viewers poll.
   * Needs a store with writeBatchWithChanges, so nothing is read again to build the events.
   */
  push?: LivePublisher;
}

export interface ConsumerBatchResult extends KinesisStreamBatchResponse {
  /** Records dropped for good, by reason. Records handed back for retry are not counted here. */
  dropped: DropCounts;
  /** Readings and control records that changed the store. */
  stored: number;
  /** Valid records already stored under their identity (a producer or Lambda retry). */
  duplicates: number;
}

// Base64 takes 4 characters per 3 bytes: anything longer cannot decode to an acceptable record, so it is
// dropped before allocating a buffer for it.
const MAX_BASE64_LENGTH = 4 * Math.ceil(MAX_RECORD_BYTES / 3);

const defaultViewIdOf = createViewIdCache();

type Outcome = ConsumerDropReason | 'stored' | 'duplicate' | 'failed';

export async function processKinesisBatch(event: KinesisStreamEvent, deps: ConsumerDeps): Promise<ConsumerBatchResult> {
  const records = event.Records;
  const now = deps.now();
  const viewIdOf = deps.viewIdOf ?? defaultViewIdOf;

  const outcomes: Outcome[] = new Array<Outcome>(records.length);
  const items: LiveWrite[] = [];
  const recordIndexOfItem: number[] = [];
  for (let i = 0; i < records.length; i++) {
    const decoded = decodeKinesisRecord(records[i] as KinesisStreamRecord, now, viewIdOf);
    if (typeof decoded === 'string') outcomes[i] = decoded;
    else {
      items.push(decoded);
      recordIndexOfItem.push(i);
    }
  }

  let storeError: string | undefined;
  let results: WriteResult[] = [];
  let changes: SessionChange[] = [];
  if (items.length > 0) {
    try {
      ({ results, changes } = await writeItems(deps, items));
      if (results.length !== items.length) throw new Error(`store answered ${results.length} results for ${items.length} items`);
    } catch (error) {
      storeError = describeError(error);
      results = items.map(() => ({ status: 'failed', error: storeError ?? 'error' }));
    }
  }
  for (let k = 0; k < results.length; k++) {
    const result = results[k] as WriteResult;
    const i = recordIndexOfItem[k] as number;
    // A contact gap stays counted as dropped, as before alerts; only a failure to hand it to the engine retries it.
    if ((items[k] as LiveWrite).kind === 'contact-gap' && result.status !== 'failed') outcomes[i] = 'contact-gap';
    else if (result.status === 'rejected') outcomes[i] = 'store-rejected';
    else if (result.status === 'limited') outcomes[i] = 'rate-limited';
    else outcomes[i] = result.status;
    if (result.status === 'failed' || result.status === 'rejected') storeError ??= result.error;
  }

  // Lambda re-sends everything from the lowest reported record, so only the first failure is reported, and
  // nothing from it onward is counted here: it will be counted when it comes back.
  const failedAt = outcomes.indexOf('failed');
  const counted = failedAt === -1 ? records.length : failedAt;
  const dropped = createDropCounts();
  let stored = 0;
  let duplicates = 0;
  for (let i = 0; i < counted; i++) {
    const outcome = outcomes[i] as Outcome;
    if (outcome === 'stored') stored++;
    else if (outcome === 'duplicate') duplicates++;
    else if (outcome !== 'failed') dropped[outcome]++;
  }

  const failedRecord = failedAt === -1 ? undefined : records[failedAt];
  const batchItemFailures = failedRecord === undefined ? [] : [{ itemIdentifier: failedRecord.kinesis.sequenceNumber }];
  // After the store has written them, and whatever their position: an item stored after the first failure (another
  // session's) is a duplicate when it comes back, so its events would never be published otherwise.
  const alertCounts = await publishStoredAlerts(deps.alerts, storedAlertsOf(items, results));
  // Readings were pushed once durable (writeItems); what else changed a session (an end mark, a revoke, alert events)
  // is pushed once its document is written. Never throws.
  if (deps.push !== undefined && changes.length > 0) await deps.push.publish(changes.flatMap((change) => liveEventsOf({ ...change, readings: [] }, deps.now())));

  const droppedNow = nonZeroCounts(dropped);
  const metrics = dropMetricsFields(dropped, now, alertCounts);
  if (failedRecord !== undefined || metrics !== undefined) {
    // One line per batch: counts and machinery only, never keys, view ids or values; with drops or alert events, it
    // is also the batch's metrics document (functions/consumer/drop-metrics.ts).
    const fields = { records: records.length, stored, duplicates, dropped: droppedNow, ...metrics };
    if (failedRecord === undefined) deps.log.info(Object.keys(droppedNow).length > 0 ? 'consumer batch dropped records' : 'consumer batch stored alert events', fields);
    else {
      deps.log.error('consumer batch failed; retrying from a record', {
        ...fields,
        retryFrom: failedRecord.kinesis.sequenceNumber,
        retryCount: records.length - failedAt,
        storeError,
      });
    }
  }
  return { batchItemFailures, dropped, stored, duplicates };
}

async function writeItems(deps: ConsumerDeps, items: readonly LiveWrite[]): Promise<{ results: WriteResult[]; changes: SessionChange[] }> {
  if (deps.push === undefined) return { results: await deps.store.writeBatch(items), changes: [] };
  if (deps.store.writeBatchWithChanges === undefined) throw new Error('push needs a store with writeBatchWithChanges');
  const push = deps.push;
  // Readings go to viewers as soon as they are durable, while the store waits for them to become searchable.
  return deps.store.writeBatchWithChanges(items, (durable) => push.publish(durable.flatMap((change) => liveEventsOf(change, deps.now()))));
}

/** The alert events the store wrote, by session in order of first appearance, each in the order produced. */
function storedAlertsOf(items: readonly LiveWrite[], results: readonly WriteResult[]): Array<AlertSession & { events: AlertEvent[] }> {
  const bySession = new Map<string, AlertSession & { events: AlertEvent[] }>();
  results.forEach((result, k) => {
    if (result.status !== 'stored' || result.alerts === undefined) return;
    const viewId = (items[k] as LiveWrite).viewId;
    const entry = bySession.get(viewId) ?? { viewId, share: result.alerts.share, events: [] };
    entry.share = result.alerts.share;
    entry.events.push(...result.alerts.events);
    bySession.set(viewId, entry);
  });
  return [...bySession.values()];
}

function decodeKinesisRecord(
  record: KinesisStreamRecord,
  now: number,
  viewIdOf: (writeKey: string) => string,
): LiveWrite | ConsumerDropReason {
  const payload = record.kinesis;
  if (payload.data.length > MAX_BASE64_LENGTH) return 'oversize';
  const decoded = decodeRecord(Buffer.from(payload.data, 'base64'), now);
  const streamSeq = payload.sequenceNumber;
  // Lambda gives the arrival time in seconds with a fraction.
  const arrivalMs = Number.isFinite(payload.approximateArrivalTimestamp) ? payload.approximateArrivalTimestamp * 1000 : undefined;
  if (!decoded.ok) {
    // A contact gap is still dropped (and counted) as a reading, but the alert engine hears of it as a contact
    // loss; like a reading, only within the live horizon.
    const gap = decoded.gap;
    if (gap === undefined || !isWithinLiveHorizon(gap.t, arrivalMs ?? now)) return decoded.reason;
    return { kind: 'contact-gap', viewId: viewIdOf(gap.key), seq: gap.seq, t: gap.t, receivedAt: receiveTimeOf(arrivalMs, now), streamSeq };
  }
  const r = decoded.record;
  const viewId = viewIdOf(r.key);
  if (isControlRecord(r)) {
    // Takes effect by its server receive time, not its device time (see applyControl).
    const control: LiveWrite = { kind: 'control', viewId, seq: r.seq, t: r.t, receivedAt: receiveTimeOf(arrivalMs, now), streamSeq };
    if (r.end === true) control.end = true;
    if (r.exp !== undefined) control.exp = r.exp;
    if (r.alerts !== undefined) control.alerts = r.alerts;
    if (r.name !== undefined) control.name = r.name;
    if (r.maxHr !== undefined) control.maxHr = r.maxHr;
    return control;
  }
  // Judged against arrival, not this clock, so a replayed or backlogged record gets the same answer every time.
  // Control records are not filtered: they carry no reading and change only their session's own document.
  if (!isWithinLiveHorizon(r.t, arrivalMs ?? now)) return 'outside-horizon';
  const reading: LiveWrite = { kind: 'reading', viewId, seq: r.seq, t: r.t, bpm: r.bpm, receivedAt: receiveTimeOf(arrivalMs, now), streamSeq };
  if (r.rr !== undefined) reading.rr = r.rr;
  if (r.contact !== undefined) reading.contact = r.contact;
  if (r.kj !== undefined) reading.kj = r.kj;
  return reading;
}

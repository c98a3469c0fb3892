// The AWS live store: Amazon OpenSearch through the bulk API, with deterministic ids so every write is
// idempotent. The client (SigV4-signed, service "es") is built by the caller and passed in.
//
// How a reader's cursor stays gap-free here, where new documents become searchable only at a refresh and
// indices refresh independently:
// - A reading's position is the Kinesis sequence number of the record that first carried it. A Lambda retry
//   re-sends the same record with the same number, so the position never changes across attempts, and
//   positions grow along the shard, which holds the whole session (partition key = view id).
// - Each session document (read and written in real time by id, never through search) holds a watermark:
//   every reading at or below it is written AND searchable: readings are bulk-written (answered once durable),
//   then each session's newest one is written again, unchanged, with refresh=wait_for on the same shard (its
//   routing), which answers only once a refresh has made it and everything before it searchable; the watermark
//   is raised only afterwards, and only over the readings before the session's first failure in the batch
//   (everything from a failure on comes again).
// - Push does not wait for that refresh: the readings are handed to onDurable as soon as the bulk answered, while
//   the refresh wait runs. A pushed event's `next` can then run ahead of the watermark for up to a refresh interval;
//   the viewer's catch-up rule allows for it (src/core/push-cursor.ts).
// - A reader asks for positions in (cursor, watermark]: nothing in that range can appear later, so nothing
//   is skipped. The same watermark decides what the statistics have counted, so a duplicate never counts twice.
// - The rate limit's bucket is in the session document too, and a token is taken only for a reading the
//   multi-get found new, so a duplicate never spends one.
import type { Client } from '@opensearch-project/opensearch';
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import type { AlertClockStore, ClockAlerts } from './alert-clock-store.ts';
import type {
  LiveStore,
  LiveWrite,
  ReadingWrite,
  ReadingsPage,
  SessionChange,
  SessionRetentionStore,
  SessionSnapshot,
  StoredAlerts,
  StoredReading,
  WriteResult,
} from './live-store.ts';
import {
  addReading,
  applyControl,
  createSessionState,
  foldAlertReading,
  keepAlertEvents,
  takeReadingToken,
  toSnapshot,
  type SessionState,
} from './session-state.ts';
import {
  READINGS_INDEX_PATTERN,
  SESSIONS_INDEX,
  fromPosition,
  readingDocId,
  readingsIndexFor,
  toPosition,
} from './opensearch-indices.ts';

interface SessionDoc extends SessionState {
  watermark: string;
}

interface ReadingDoc {
  viewId: string;
  seq: number;
  pos: string;
  t: number;
  bpm: number;
  rr?: number[];
  contact?: boolean;
  kj?: number;
  receivedAt: number;
}

interface MgetItem {
  _index: string;
  _id: string;
  found?: boolean;
  _seq_no?: number;
  _primary_term?: number;
  _source?: Record<string, unknown>;
  error?: unknown;
}

interface BulkItem {
  status: number;
  error?: { type?: string };
}

type ItemOutcome = WriteResult['status'];

const NO_WATERMARK = toPosition('0');

export function createOpenSearchStore(client: Client): LiveStore & SessionRetentionStore & AlertClockStore {
  return {
    writeBatch: async (items) => (await writeLiveBatch(client, items)).results,
    writeBatchWithChanges: (items, onDurable) => writeLiveBatch(client, items, onDurable),
    deleteSessionsInactiveBefore: (cutoff) => deleteInactiveSessions(client, cutoff),
    foldAlertClock: (fold) => foldAlertClockOver(client, fold),
    getSession: (viewId) => getSessionSnapshot(client, viewId),
    getReadings: (viewId, after, limit) => getReadingsPage(client, viewId, after, limit),
    // The client belongs to the caller (one per Lambda container, reused across invocations).
    close: async () => {},
  };
}

interface SessionPlan {
  viewId: string;
  /** From the real-time get; undefined for a session this batch creates. */
  version: { seqNo: number; primaryTerm: number } | undefined;
  state: SessionState;
  watermark: string;
  /** The watermark as read, before this batch: where a reader that had seen everything stood. */
  startWatermark: string;
  /** This session's items, in batch order. */
  itemIndexes: number[];
}

/** What the batch knows before writing: each session's plan, and where readings already stored stand. */
interface CurrentState {
  plans: Map<string, SessionPlan>;
  /** Item index → position of the reading already stored under its identity. */
  storedPosition: Map<number, string>;
}

/** The readings to create, the position of every reading that still counts (new, or stored but not yet counted), and the new ones over their session's rate limit. */
interface Placement {
  position: Map<number, string>;
  toCreate: number[];
  limited: Set<number>;
}

interface ItemResult {
  status: ItemOutcome;
  error?: string | undefined;
  /** Alert events the item produced: stored only if its session document is written. */
  alerts?: StoredAlerts | undefined;
}

/**
 * Read what is there, create the new readings, hand what they make visible to onDurable while waiting for them to be
 * searchable, then raise each session's statistics and watermark over them.
 */
async function writeLiveBatch(
  client: Client,
  items: readonly LiveWrite[],
  onDurable?: (changes: SessionChange[]) => Promise<unknown>,
): Promise<{ results: WriteResult[]; changes: SessionChange[] }> {
  if (items.length === 0) return { results: [], changes: [] };
  const { plans, storedPosition } = await readCurrentState(client, items);
  const placement = placeReadings(items, plans, storedPosition);
  const written = await createReadings(client, items, placement);
  const results: ItemResult[] = items.map((_, i) => ({ status: placement.limited.has(i) ? 'limited' : 'duplicate', error: written.get(i)?.error }));
  const changedSessions: SessionPlan[] = [];
  for (const plan of plans.values()) if (applyToSession(plan, items, placement.position, written, results)) changedSessions.push(plan);
  // Durable now: the readings go out while the refresh wait runs, so push does not wait for the index's refresh.
  const durable = changedSessions.map((plan) => ({ ...changeOf(plan, items, placement.position, results), stateChanged: false })).filter((c) => c.readings.length > 0);
  const [, searchable] = await Promise.all([durable.length > 0 ? onDurable?.(durable) : undefined, waitUntilSearchable(client, changedSessions, items, placement.position, results)]);
  const writtenSessions = await writeSessionDocs(client, searchable, results);
  return {
    results: results.map(({ status, error, alerts }): WriteResult => {
      if (status === 'failed' || status === 'rejected') return { status, error: error ?? 'earlier item failed' };
      return status === 'stored' && alerts !== undefined ? { status, alerts } : { status };
    }),
    changes: writtenSessions.map((plan) => changeOf(plan, items, placement.position, results)),
  };
}

/**
 * Waits until the readings each session's watermark will cover are searchable, without forcing a refresh: its newest
 * reading in each daily index is written again, unchanged, with refresh=wait_for. The same routing puts it on the
 * same shard after the readings before it, so the refresh that makes it searchable makes them searchable too (a
 * reading created by an earlier, failed attempt included). Returns the sessions that may raise their watermark; the
 * items of any other fail, and come again.
 */
async function waitUntilSearchable(
  client: Client,
  plans: readonly SessionPlan[],
  items: readonly LiveWrite[],
  position: Map<number, string>,
  results: ItemResult[],
): Promise<SessionPlan[]> {
  const newest = new Map<string, { plan: SessionPlan; item: ReadingWrite; pos: string }>();
  for (const plan of plans) {
    for (const i of plan.itemIndexes) {
      const item = items[i] as LiveWrite;
      const pos = position.get(i);
      if (item.kind !== 'reading' || pos === undefined || pos <= plan.startWatermark || pos > plan.watermark || results[i]?.status === 'failed') continue;
      const key = `${readingsIndexFor(item.t, item.receivedAt)}/${plan.viewId}`;
      const current = newest.get(key);
      if (current === undefined || pos > current.pos) newest.set(key, { plan, item, pos });
    }
  }
  if (newest.size === 0) return [...plans];
  const waits = [...newest.values()];
  const body: unknown[] = waits.flatMap(({ item, pos }) => [
    { index: { _index: readingsIndexFor(item.t, item.receivedAt), _id: readingDocId(item.viewId, item.seq), routing: item.viewId } },
    toReadingDoc(item, pos),
  ]);
  let answers: Array<BulkItem | undefined>;
  try {
    answers = bulkItems((await client.bulk({ body: body as never, refresh: 'wait_for' })).body);
  } catch (error) {
    answers = waits.map(() => ({ status: 503, error: { type: (error as Error).name } }));
  }
  const unsearchable = new Set<SessionPlan>();
  waits.forEach(({ plan }, k) => {
    const answer = answers[k];
    if (answer !== undefined && answer.status < 300) return;
    unsearchable.add(plan);
    const error = `refresh wait ${answer?.error?.type ?? 'no answer'} (${answer?.status ?? 0})`;
    for (const i of plan.itemIndexes) results[i] = { status: 'failed', error };
  });
  return plans.filter((plan) => !unsearchable.has(plan));
}

/**
 * What a written session document made visible, from what the batch already holds: the readings between the old
 * and the new watermark are exactly this batch's readings placed there (any placed by an earlier, failed attempt
 * were re-delivered with it), so no search is needed.
 */
function changeOf(plan: SessionPlan, items: readonly LiveWrite[], position: Map<number, string>, results: readonly ItemResult[]): SessionChange {
  const readings: Array<{ pos: string; item: ReadingWrite }> = [];
  let stateChanged = false;
  for (const i of plan.itemIndexes) {
    const item = items[i] as LiveWrite;
    const result = results[i] as ItemResult;
    if (result.status === 'failed') continue;
    stateChanged ||= (item.kind === 'control' && result.status === 'stored') || result.alerts !== undefined;
    const pos = position.get(i);
    if (item.kind === 'reading' && pos !== undefined && pos > plan.startWatermark && pos <= plan.watermark) readings.push({ pos, item });
  }
  readings.sort((a, b) => (a.pos < b.pos ? -1 : 1));
  return {
    session: toSnapshot(plan.state, fromPosition(plan.watermark)),
    from: fromPosition(plan.startWatermark),
    readings: readings.map(({ pos, item }) => ({ cursor: fromPosition(pos), reading: toStoredReading(toReadingDoc(item, pos)) })),
    stateChanged,
  };
}

/** One real-time multi-get: each session's document, and whether each reading is already stored (and at what position). */
async function readCurrentState(client: Client, items: readonly LiveWrite[]): Promise<CurrentState> {
  const viewIds = [...new Set(items.map((item) => item.viewId))];
  const readingItems = items.map((item, i) => ({ item, i })).filter((x): x is { item: ReadingWrite; i: number } => x.item.kind === 'reading');
  const mget = await client.mget({
    body: {
      docs: [
        ...viewIds.map((viewId) => ({ _index: SESSIONS_INDEX, _id: viewId })),
        ...readingItems.map(({ item }) => ({
          _index: readingsIndexFor(item.t, item.receivedAt),
          _id: readingDocId(item.viewId, item.seq),
          routing: item.viewId,
          _source: ['pos'],
        })),
      ],
    },
  });
  const found = (mget.body.docs ?? []) as MgetItem[];
  const plans = new Map<string, SessionPlan>();
  viewIds.forEach((viewId, k) => plans.set(viewId, toPlan(viewId, found[k])));
  items.forEach((item, i) => (plans.get(item.viewId) as SessionPlan).itemIndexes.push(i));
  const storedPosition = new Map<number, string>();
  readingItems.forEach(({ i }, k) => {
    const doc = found[viewIds.length + k];
    const pos = doc?.found === true ? doc._source?.pos : undefined;
    if (typeof pos === 'string') storedPosition.set(i, pos);
  });
  return { plans, storedPosition };
}

/**
 * Which readings to write, and at which position: a stored reading keeps the position it was first given. A new
 * reading takes a token from its session's bucket first; one that gets none is limited, not written. (A token
 * taken for a reading whose write then fails is spent again on the retry: under store failures a session can
 * only be limited sooner, never let through more.)
 */
function placeReadings(items: readonly LiveWrite[], plans: Map<string, SessionPlan>, storedPosition: Map<number, string>): Placement {
  const seen = new Set<string>();
  const position = new Map<number, string>();
  const toCreate: number[] = [];
  const limited = new Set<number>();
  items.forEach((item, i) => {
    if (item.kind !== 'reading') return;
    const id = readingDocId(item.viewId, item.seq);
    if (seen.has(id)) return; // a resend inside this batch: the first occurrence does the work
    seen.add(id);
    const existing = storedPosition.get(i);
    const plan = plans.get(item.viewId) as SessionPlan;
    if (existing !== undefined && existing <= plan.watermark) return; // stored and counted before
    if (existing === undefined && !takeReadingToken(plan.state, item.receivedAt)) {
      limited.add(i);
      return;
    }
    position.set(i, existing ?? toPosition(item.streamSeq));
    if (existing === undefined) toCreate.push(i);
  });
  return { position, toCreate, limited };
}

/** Creates the new readings; answered once they are durable (searchable only at the next refresh: waitUntilSearchable). */
async function createReadings(client: Client, items: readonly LiveWrite[], { position, toCreate }: Placement): Promise<Map<number, ItemResult>> {
  const written = new Map<number, ItemResult>();
  if (toCreate.length === 0) return written;
  const body: unknown[] = [];
  for (const i of toCreate) {
    const item = items[i] as ReadingWrite;
    body.push({ create: { _index: readingsIndexFor(item.t, item.receivedAt), _id: readingDocId(item.viewId, item.seq), routing: item.viewId } });
    body.push(toReadingDoc(item, position.get(i) as string));
  }
  const answers = bulkItems((await client.bulk({ body: body as never })).body);
  toCreate.forEach((i, k) => written.set(i, classify(answers[k])));
  return written;
}

/**
 * Applies to the session everything before its first failure (everything from a failure on comes again),
 * raising the watermark over it; sets each item's status. True when the session document must be written.
 */
function applyToSession(
  plan: SessionPlan,
  items: readonly LiveWrite[],
  position: Map<number, string>,
  written: Map<number, ItemResult>,
  results: ItemResult[],
): boolean {
  // Changed: the statistics or the end/expiry marks (as addReading and applyControl report), or the watermark.
  let changed = false;
  let failed = false;
  for (const i of plan.itemIndexes) {
    const item = items[i] as LiveWrite;
    const result = results[i] as ItemResult;
    if (failed) {
      result.status = 'failed';
      continue;
    }
    if (item.kind === 'control') {
      const controlChanged = applyControl(plan.state, item);
      changed ||= controlChanged;
      result.status = controlChanged ? 'stored' : 'duplicate';
      continue;
    }
    if (item.kind === 'contact-gap') {
      // Only the alert engine hears of a gap, and only a session with rules; the engine ignores a replayed seq.
      const engine = plan.state.alertState;
      const folded = engine !== null && (engine.lastSeq === null || item.seq > engine.lastSeq);
      const events = foldAlertReading(plan.state, { seq: item.seq, receivedAt: item.receivedAt, bpm: 0, contact: false });
      changed ||= folded;
      result.status = folded ? 'stored' : 'duplicate';
      result.alerts = alertsOf(plan.state, events);
      continue;
    }
    const pos = position.get(i);
    if (pos === undefined) continue; // a duplicate, or limited
    const writeOutcome = written.get(i)?.status ?? 'stored'; // not in the bulk: stored by an earlier attempt
    if (writeOutcome === 'failed') {
      failed = true;
      result.status = 'failed';
      continue;
    }
    result.status = writeOutcome;
    if (pos > plan.watermark) {
      plan.watermark = pos;
      changed = true;
    }
    if (writeOutcome === 'stored' && addReading(plan.state, item)) {
      // Counted now, so folded now: the engine state is written in the same session document as the counts.
      result.alerts = alertsOf(plan.state, foldAlertReading(plan.state, item));
      changed = true;
    }
  }
  return changed;
}

/**
 * Writes the changed session documents with optimistic concurrency: a concurrent writer makes this batch
 * retry, not clobber. A session whose document is not written has none of its items counted: all fail.
 */
async function writeSessionDocs(client: Client, plans: readonly SessionPlan[], results: ItemResult[]): Promise<SessionPlan[]> {
  if (plans.length === 0) return [];
  const body: unknown[] = [];
  for (const plan of plans) {
    const doc: SessionDoc = { ...plan.state, watermark: plan.watermark };
    if (plan.version === undefined) body.push({ create: { _index: SESSIONS_INDEX, _id: plan.viewId } });
    else body.push({ index: { _index: SESSIONS_INDEX, _id: plan.viewId, if_seq_no: plan.version.seqNo, if_primary_term: plan.version.primaryTerm } });
    body.push(doc);
  }
  let answers: Array<BulkItem | undefined>;
  try {
    answers = bulkItems((await client.bulk({ body: body as never })).body);
  } catch (error) {
    answers = plans.map(() => ({ status: 503, error: { type: (error as Error).name } }));
  }
  return plans.filter((plan, k) => {
    const answer = answers[k];
    if (answer !== undefined && answer.status < 300) return true;
    const error = `session ${answer?.error?.type ?? 'no answer'} (${answer?.status ?? 0})`;
    for (const i of plan.itemIndexes) results[i] = { status: 'failed', error };
    return false;
  });
}

function alertsOf(state: SessionState, events: AlertEvent[]): StoredAlerts | undefined {
  return events.length === 0 ? undefined : { share: state.alertShare === true, events };
}

function toPlan(viewId: string, doc: MgetItem | undefined): SessionPlan {
  if (doc?.found !== true || doc._source === undefined) {
    return { viewId, version: undefined, state: createSessionState(viewId), watermark: NO_WATERMARK, startWatermark: NO_WATERMARK, itemIndexes: [] };
  }
  const { watermark, ...state } = doc._source as unknown as SessionDoc;
  const read = typeof watermark === 'string' ? watermark : NO_WATERMARK;
  return {
    viewId,
    version: { seqNo: doc._seq_no ?? 0, primaryTerm: doc._primary_term ?? 1 },
    state: { ...createSessionState(viewId), ...state },
    watermark: read,
    startWatermark: read,
    itemIndexes: [],
  };
}

function toReadingDoc(item: ReadingWrite, pos: string): ReadingDoc {
  const doc: ReadingDoc = { viewId: item.viewId, seq: item.seq, pos, t: item.t, bpm: item.bpm, receivedAt: item.receivedAt };
  if (item.rr !== undefined) doc.rr = item.rr;
  if (item.contact !== undefined) doc.contact = item.contact;
  if (item.kj !== undefined) doc.kj = item.kj;
  return doc;
}

function bulkItems(body: unknown): Array<BulkItem | undefined> {
  const items = (body as { items?: Array<Record<string, BulkItem>> }).items ?? [];
  return items.map((entry) => Object.values(entry)[0]);
}

/**
 * Throttling, unavailability and version conflicts pass; anything else a node refuses (a mapping error)
 * will be refused again. Only the error type is kept: the reason text can quote the document.
 */
function classify(answer: BulkItem | undefined): ItemResult {
  if (answer === undefined) return { status: 'failed', error: 'no bulk answer' };
  if (answer.status < 300) return { status: 'stored' };
  const error = `${answer.error?.type ?? 'error'} (${answer.status})`;
  if (answer.status === 429 || answer.status === 409 || answer.status >= 500) return { status: 'failed', error };
  return { status: 'rejected', error };
}

/**
 * Deletes the session documents whose last activity is before the cutoff; a document from before lastActiveAt
 * existed goes by its last receive time, and one with neither counts as inactive (as in the SQLite store).
 * Readings need nothing here: ISM deletes their daily indices after the same retention. A session the
 * consumer writes meanwhile makes a version conflict, which is skipped (it is active), not an error.
 */
async function deleteInactiveSessions(client: Client, cutoff: number): Promise<number> {
  const missing = (field: string): unknown => ({ bool: { must_not: [{ exists: { field } }] } });
  const response = await client.deleteByQuery({
    index: SESSIONS_INDEX,
    conflicts: 'proceed',
    ignore_unavailable: true,
    body: {
      query: {
        bool: {
          minimum_should_match: 1,
          should: [
            { range: { lastActiveAt: { lt: cutoff } } },
            {
              bool: {
                must_not: [{ exists: { field: 'lastActiveAt' } }],
                minimum_should_match: 1,
                should: [{ range: { lastReceivedAt: { lt: cutoff } } }, missing('lastReceivedAt')],
              },
            },
          ],
        },
      },
    },
  } as never);
  const deleted = (response.body as { deleted?: unknown }).deleted;
  return typeof deleted === 'number' ? deleted : 0;
}

// Sessions with rules are few (a session goes after a week without activity): one page of them per run.
const ALERT_CLOCK_PAGE = 1000;

/**
 * Searches the sessions with alert rules (alertSeq is set), folds each, and writes back only those that fired,
 * with optimistic concurrency: a session the consumer wrote meanwhile is skipped, and the next run folds it
 * again from its newer state, so an event is never stored twice nor lost (its time is fixed by the engine).
 */
async function foldAlertClockOver(
  client: Client,
  fold: (session: SessionState) => AlertEvent[],
): Promise<{ sessions: number; events: number; stored: ClockAlerts[] }> {
  const response = await client.search({
    index: SESSIONS_INDEX,
    ignore_unavailable: true,
    allow_no_indices: true,
    body: { size: ALERT_CLOCK_PAGE, seq_no_primary_term: true, query: { exists: { field: 'alertSeq' } } },
  } as never);
  const hits = (response.body as { hits?: { hits?: Array<{ _id: string; _seq_no?: number; _primary_term?: number; _source?: SessionDoc }> } }).hits?.hits ?? [];
  const body: unknown[] = [];
  const fired: ClockAlerts[] = [];
  for (const hit of hits) {
    if (hit._source === undefined || hit._seq_no === undefined || hit._primary_term === undefined) continue;
    const { watermark, ...stored } = hit._source;
    const state: SessionState = { ...createSessionState(hit._id), ...stored };
    const events = fold(state);
    if (events.length === 0) continue;
    keepAlertEvents(state, events);
    body.push({ index: { _id: hit._id, if_seq_no: hit._seq_no, if_primary_term: hit._primary_term } });
    body.push({ ...state, watermark } satisfies SessionDoc);
    fired.push({ viewId: hit._id, share: state.alertShare === true, events, session: toSnapshot(state, fromPosition(watermark ?? NO_WATERMARK)) });
  }
  if (body.length === 0) return { sessions: hits.length, events: 0, stored: [] };
  // The index in the path, not in each action: the clock's role may write to the sessions index only.
  const answers = bulkItems((await client.bulk({ index: SESSIONS_INDEX, body: body as never })).body);
  // Only what was written counts as stored: a skipped session's events come again, from its newer state.
  const stored = fired.filter((_, k) => (answers[k]?.status ?? 500) < 300);
  return { sessions: hits.length, events: stored.reduce((sum, s) => sum + s.events.length, 0), stored };
}

async function getSessionDoc(client: Client, viewId: string): Promise<SessionDoc | null> {
  const response = await client.get({ index: SESSIONS_INDEX, id: viewId }, { ignore: [404] });
  const body = response.body as { found?: boolean; _source?: SessionDoc };
  return body.found === true && body._source !== undefined ? body._source : null;
}

async function getSessionSnapshot(client: Client, viewId: string): Promise<SessionSnapshot | null> {
  const doc = await getSessionDoc(client, viewId);
  if (doc === null) return null;
  const { watermark, ...state } = doc;
  return toSnapshot({ ...createSessionState(viewId), ...state }, fromPosition(watermark ?? NO_WATERMARK));
}

async function getReadingsPage(client: Client, viewId: string, after: string, limit: number): Promise<ReadingsPage> {
  const doc = await getSessionDoc(client, viewId);
  const watermark = doc?.watermark ?? NO_WATERMARK;
  const from = toPosition(after);
  // Fixed-width digit strings: string order is number order. A cursor beyond the end stands at the end.
  if (from.length > watermark.length || from >= watermark) {
    return { readings: [], cursor: from > watermark ? fromPosition(watermark) : after, more: false };
  }
  const response = await client.search({
    index: READINGS_INDEX_PATTERN,
    routing: viewId,
    ignore_unavailable: true,
    allow_no_indices: true,
    body: {
      size: limit,
      sort: [{ pos: 'asc' }],
      query: { bool: { filter: [{ term: { viewId } }, { range: { pos: { gt: from, lte: watermark } } }] } },
    },
  } as never);
  const hits = ((response.body as { hits?: { hits?: Array<{ _source?: ReadingDoc }> } }).hits?.hits ?? []).flatMap((hit) =>
    hit._source === undefined ? [] : [hit._source],
  );
  const last = hits.at(-1);
  return {
    readings: hits.map(toStoredReading),
    cursor: last === undefined ? after : fromPosition(last.pos),
    more: last !== undefined && hits.length === limit && last.pos < watermark,
  };
}

function toStoredReading(doc: ReadingDoc): StoredReading {
  const reading: StoredReading = { seq: doc.seq, t: doc.t, bpm: doc.bpm };
  if (doc.rr !== undefined) reading.rr = doc.rr;
  if (doc.contact !== undefined) reading.contact = doc.contact;
  if (doc.kj !== undefined) reading.kj = doc.kj;
  return reading;
}

// Index names and templates of the OpenSearch live store, as plain data the CDK deployment can apply too.
import { clampToLiveHorizon } from '../../src/core/live-horizon.ts';

const READINGS_INDEX_PREFIX = 'hr-readings-';
export const READINGS_INDEX_PATTERN = `${READINGS_INDEX_PREFIX}*`;
export const SESSIONS_INDEX = 'hr-sessions';

// receivedAt is the stream arrival time or up to STALE_AFTER_MS later (functions/consumer/receive-time.ts), on a
// clock that may disagree with the stream's by seconds; a minute of slack covers both, so a reading the consumer
// let through (inside the horizon of its arrival) is never moved to another day, and a replay finds its index.
const HORIZON_SLACK_MS = 60_000;

/**
 * Daily indices by reading time (UTC), not arrival time: a replay after midnight lands in the same index as
 * the first write, so its deterministic _id collapses it. Old days are dropped whole by an ISM delete policy.
 * The day is taken from the reading time clamped to the live horizon around its receipt, so no writer can
 * make the store create an index for an arbitrary day: whatever `t` says, writes received on day D land in
 * D-1, D or D+1 (D+1 only in the minutes before midnight; D-2 only in the slack minute after it).
 */
export function readingsIndexFor(t: number, receivedAt: number): string {
  const d = new Date(clampToLiveHorizon(t, receivedAt, HORIZON_SLACK_MS));
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${READINGS_INDEX_PREFIX}${d.getUTCFullYear()}.${mm}.${dd}`;
}

const ALERTS_INDEX_PREFIX = 'hr-alerts-';
export const ALERTS_INDEX_PATTERN = `${ALERTS_INDEX_PREFIX}*`;

/**
 * Daily alert indices by event time (UTC), clamped like readings: an event is dated by the server (a receive time,
 * or the moment a silence reached its length), but a "no data" event found late by the clock can be older, and a
 * written day must stay within the live horizon around the write so ISM's retention covers every index made.
 */
export function alertsIndexFor(at: number, writtenAt: number): string {
  const d = new Date(clampToLiveHorizon(at, writtenAt, HORIZON_SLACK_MS));
  const mm = String(d.getUTCMonth() + 1).padStart(2, '0');
  const dd = String(d.getUTCDate()).padStart(2, '0');
  return `${ALERTS_INDEX_PREFIX}${d.getUTCFullYear()}-${mm}-${dd}`;
}

export function readingDocId(viewId: string, seq: number): string {
  return `${viewId}:${seq}`;
}

// Kinesis sequence numbers are decimal strings up to 2^128 (39 digits); as fixed-width keywords they sort
// and range-compare numerically, which no numeric field type can hold.
const POSITION_WIDTH = 40;

export function toPosition(decimal: string): string {
  return decimal.padStart(POSITION_WIDTH, '0');
}

export function fromPosition(position: string): string {
  const trimmed = position.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

const READINGS_MAPPINGS = {
  // strict: a document with a field nobody declared is refused (400) rather than growing the mapping.
  dynamic: 'strict',
  properties: {
    viewId: { type: 'keyword' },
    seq: { type: 'long' },
    pos: { type: 'keyword' },
    t: { type: 'date', format: 'epoch_millis' },
    bpm: { type: 'short' },
    rr: { type: 'integer' },
    contact: { type: 'boolean' },
    kj: { type: 'integer' },
    receivedAt: { type: 'date', format: 'epoch_millis' },
  },
} as const;

const SESSIONS_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    viewId: { type: 'keyword' },
    count: { type: 'long' },
    sumBpm: { type: 'long' },
    minBpm: { type: 'short' },
    maxBpm: { type: 'short' },
    firstT: { type: 'date', format: 'epoch_millis' },
    lastT: { type: 'date', format: 'epoch_millis' },
    lastSeq: { type: 'long' },
    lastBpm: { type: 'short' },
    lastReceivedAt: { type: 'date', format: 'epoch_millis' },
    endedSeq: { type: 'long' },
    endedAt: { type: 'date', format: 'epoch_millis' },
    // Any non-negative safe integer passes validation, so not a date: a far-future value must not be refused.
    exp: { type: 'long' },
    expSeq: { type: 'long' },
    expSetAt: { type: 'date', format: 'epoch_millis' },
    // The rate limit's bucket (src/core/session-rate-limit.ts): a fractional level and the server time of the last token.
    tokens: { type: 'double' },
    tokensAt: { type: 'date', format: 'epoch_millis' },
    // What the sessions' retention deletes by (functions/retention/).
    lastActiveAt: { type: 'date', format: 'epoch_millis' },
    // Alerts (src/core/alert-engine.ts): the rules, the engine's state and the recent events are kept as the
    // store wrote them and never searched, so they are not indexed (enabled: false), whatever keys they hold.
    // alertSeq is indexed: the alert clock searches for the sessions that have rules.
    alertSeq: { type: 'long' },
    alertShare: { type: 'boolean' },
    alertSettings: { type: 'object', enabled: false },
    alertState: { type: 'object', enabled: false },
    alertRecent: { type: 'object', enabled: false },
    // Display name and max HR (src/core/display-name.ts, zones.ts): shown to viewers, never searched, so the name is
    // kept but not indexed (a hostile name costs no index space); the setup grows an existing index by a put mapping.
    name: { type: 'keyword', index: false, doc_values: false },
    nameSeq: { type: 'long' },
    maxHr: { type: 'short' },
    maxHrSeq: { type: 'long' },
    watermark: { type: 'keyword' },
  },
} as const;

// One document per alert event, for Dashboards: the event as the engine produced it, its identity as _id (so a
// re-written event collapses) and whether the session shared its alerts. No heart-rate series, no key.
const ALERTS_MAPPINGS = {
  dynamic: 'strict',
  properties: {
    id: { type: 'keyword' },
    viewId: { type: 'keyword' },
    ruleId: { type: 'keyword' },
    kind: { type: 'keyword' },
    type: { type: 'keyword' },
    at: { type: 'date', format: 'epoch_millis' },
    value: { type: 'short' },
    shared: { type: 'boolean' },
  },
} as const;

/** PUT _index_template/hr-readings */
export const READINGS_INDEX_TEMPLATE = {
  index_patterns: [READINGS_INDEX_PATTERN],
  priority: 100,
  template: {
    settings: {
      index: {
        number_of_shards: 1,
        number_of_replicas: 1,
        // Set explicitly: unset, an idle shard stops refreshing until searched, and viewers would wait.
        refresh_interval: '1s',
      },
    },
    mappings: READINGS_MAPPINGS,
  },
  _meta: { description: 'liveheartrate live readings, one index per UTC day of reading time' },
} as const;

/** PUT _index_template/hr-sessions — the sessions index is created by its first write. */
export const SESSIONS_INDEX_TEMPLATE = {
  index_patterns: [SESSIONS_INDEX],
  priority: 100,
  template: {
    settings: { index: { number_of_shards: 1, number_of_replicas: 1, refresh_interval: '1s' } },
    mappings: SESSIONS_MAPPINGS,
  },
  _meta: { description: 'liveheartrate session state, one document per view id' },
} as const;

/** PUT _index_template/hr-alerts */
export const ALERTS_INDEX_TEMPLATE = {
  index_patterns: [ALERTS_INDEX_PATTERN],
  priority: 100,
  template: {
    // Searched by Dashboards, not by viewers: the default refresh is soon enough.
    settings: { index: { number_of_shards: 1, number_of_replicas: 1 } },
    mappings: ALERTS_MAPPINGS,
  },
  _meta: { description: 'liveheartrate alert events, one index per UTC day of event time' },
} as const;

export const INDEX_TEMPLATES = {
  'hr-readings': READINGS_INDEX_TEMPLATE,
  'hr-sessions': SESSIONS_INDEX_TEMPLATE,
  'hr-alerts': ALERTS_INDEX_TEMPLATE,
} as const;

// The live API on the wire: the bodies the server (functions/live-api) sends and the viewer
// (src/lib/viewer/live-api-client.ts) reads. Both sides import these declarations, so a field renamed on one
// side and not the other is a compile error instead of a blank panel in a viewer's browser.
//
//   GET /api/sessions/{viewId}                                     → SessionBody
//   GET /api/sessions/{viewId}/readings?after=&limit=&wait=&alertsTag=   → ReadingsBody
//   any error                                                      → ApiErrorBody
import type { AlertEvent } from './alert-engine.ts';
import type { AlertSettings } from './alert-rules.ts';

/** What a viewer is told about a session; the array lets a client check an answer at run time. */
export const SESSION_STATUSES = ['live', 'stale', 'ended', 'revoked', 'expired', 'unknown'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Readings per page when the request names no `limit`, and the most a request may ask for. */
export const DEFAULT_READINGS_LIMIT = 500;
export const MAX_READINGS_LIMIT = 1000;
// Under CloudFront's default 30 s origin timeout, with room for the store query after the wait.
export const MAX_WAIT_MS = 25_000;

export interface SessionBody {
  viewId: string;
  status: SessionStatus;
  /** The server's clock, epoch ms: a viewer measures ages against it rather than its own clock. */
  serverTime: number;
  /** Present only when the status lets a viewer see the session (live, stale, ended). */
  count?: number;
  firstT?: number | null;
  lastT?: number | null;
  min?: number | null;
  avg?: number | null;
  max?: number | null;
  lastBpm?: number | null;
  lastSeq?: number | null;
  lastReceivedAt?: number | null;
  endedAt?: number | null;
  expiresAt?: number | null;
  /** Cursor of the newest reading: ask for readings after it to follow the session from now on. */
  cursor?: string;
  /**
   * The broadcaster's display name, present with the statistics: at most 40 characters of plain text, to be shown
   * as text and never as HTML; null when none was set.
   */
  name?: string | null;
  /**
   * The broadcaster's maximum heart rate as set in their app, sent with the display name, so viewers, overlays and
   * group tiles colour zones (src/core/zones.ts) by the athlete's own maximum; null when not shared.
   */
  maxHr?: number | null;
  /** Present only when the broadcaster shares alerts with viewers and the status lets a viewer see the session. */
  alerts?: SessionAlerts;
  /**
   * Tag of `alerts` as served here (src/core/alerts-tag.ts), present with the statistics: send it back as
   * `alertsTag` with the long-poll.
   */
  alertsTag?: string;
}

/** Alerts evaluated by the pipeline (src/core/alert-engine.ts) from the rules the broadcaster shared. */
export interface SessionAlerts {
  /** The broadcaster's rules, so a viewer can say what an alert means ("above 171 bpm for 10 s"). */
  settings: AlertSettings;
  /** Ids of the rules whose alert is on now. */
  active: string[];
  /** The newest events, oldest first; how many is the server's choice. */
  recent: AlertEvent[];
}

/** A reading as the API shows it: an allow-list, so whatever else a store keeps stays out of the answer. */
export interface PublicReading {
  seq: number;
  /** Device time, epoch ms. */
  t: number;
  bpm: number;
  rr?: number[];
  contact?: boolean;
}

export interface ReadingsBody {
  viewId: string;
  status: SessionStatus;
  serverTime: number;
  readings: PublicReading[];
  /** Pass as `after` next time. */
  next: string;
  /** More readings are waiting right now: ask again at once. */
  more: boolean;
  /** The session's shared alerts now, as in SessionBody: a long-poll answers when they change, not only on readings. */
  alerts?: SessionAlerts;
  /** Tag of `alerts` as served here: send it back as `alertsTag` next time. Always sent; absent from older servers. */
  alertsTag?: string;
}

export type ApiErrorCode = 'not-found' | 'method-not-allowed' | 'bad-view-id' | 'bad-cursor' | 'bad-limit' | 'bad-wait' | 'bad-alerts-tag' | 'bad-views' | 'unavailable';

export interface ApiErrorBody {
  error: ApiErrorCode;
  /** For a person reading the answer; clients branch on `error`, never on this text. */
  message: string;
}

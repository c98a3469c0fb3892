import { livenessOf, STALE_AFTER_MS } from '../../core/liveness.ts';
import type { SessionBody, SessionStatus } from '../../core/live-api-types.ts';

/** What a viewer is shown. "offline": this page cannot reach the API (it keeps trying and catches up). */
export type ViewerStatus = SessionStatus | 'connecting' | 'offline';

/** What the page knows from the live API's latest answer. */
export interface RemoteView {
  remote: ViewerStatus;
  /** Server receive time of the newest reading. */
  lastReceivedAt: number | null;
  /** The share link's expiry, if the broadcaster set one. */
  expiresAt: number | null;
}

/**
 * The status shown at `serverNow` (the page's clock corrected by the server's). A long-poll can last seconds:
 * between answers the page's own clock says when a live session goes stale, by the same rule as the server
 * (core livenessOf), and when the link expires, by the server's rule (expiry ≤ now).
 */
export function shownStatus(view: RemoteView, serverNow: number): ViewerStatus {
  const { remote, expiresAt, lastReceivedAt } = view;
  if (expiresAt !== null && expiresAt <= serverNow && remote !== 'revoked' && remote !== 'unknown') return 'expired';
  if (remote === 'live' && livenessOf(lastReceivedAt, serverNow) === 'stale') return 'stale';
  return remote;
}

/** Whole seconds since the newest reading reached the server, for "No data for N s"; null before any. */
export function secondsSince(lastReceivedAt: number | null, serverNow: number): number | null {
  return lastReceivedAt === null ? null : Math.max(0, Math.floor((serverNow - lastReceivedAt) / 1000));
}

/**
 * How long after a session answer its status next changes by time alone, by the server's rules: a live session turns
 * stale STALE_AFTER_MS after its newest reading, a link expires at its expiry. Null when nothing changes by time, or
 * when the answer is already past that moment (asking again then would only get the same answer).
 */
export function msUntilStatusChange(session: SessionBody): number | null {
  const moments: number[] = [];
  if (session.status === 'live' && session.lastReceivedAt != null) moments.push(session.lastReceivedAt + STALE_AFTER_MS + 1);
  if ((session.status === 'live' || session.status === 'stale' || session.status === 'ended') && session.expiresAt != null) moments.push(session.expiresAt);
  const next = Math.min(...moments.filter((at) => at > session.serverTime));
  return Number.isFinite(next) ? next - session.serverTime : null;
}

import { livenessOf } from '../../core/liveness.ts';
import type { SessionStatus } from '../../core/live-api-types.ts';

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

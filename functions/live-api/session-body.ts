// The session as a viewer sees it (docs/live-api.md): built from the store's snapshot by an allow-list, for the
// live API's answers and for pushed events alike (src/core/live-events.ts), so both say the same thing.
import { alertsTagOf } from '../../src/core/alerts-tag.ts';
import type { SessionAlerts, SessionBody, SessionStatus } from '../../src/core/live-api-types.ts';
import type { SessionSnapshot } from '../store/live-store.ts';
import { isViewable } from './session-status.ts';

/** The session body for any status: statistics only while a viewer may see the session. */
export function viewerSessionBody(viewId: string, session: SessionSnapshot | null, status: SessionStatus, serverTime: number): SessionBody {
  return session === null || !isViewable(status) ? { viewId, status, serverTime } : toSessionBody(session, status, serverTime);
}

export function toSessionBody(session: SessionSnapshot, status: SessionStatus, serverTime: number): SessionBody {
  const alerts = sharedAlertsOf(session, status);
  const body: SessionBody = {
    viewId: session.viewId,
    status,
    serverTime,
    count: session.count,
    firstT: session.firstT,
    lastT: session.lastT,
    min: session.minBpm,
    avg: session.avgBpm === null ? null : Math.round(session.avgBpm * 10) / 10,
    max: session.maxBpm,
    lastBpm: session.lastBpm,
    lastSeq: session.lastSeq,
    lastReceivedAt: session.lastReceivedAt,
    endedAt: status === 'ended' ? session.endedAt : null,
    expiresAt: session.exp,
    cursor: session.cursor,
    name: session.name,
    maxHr: session.maxHr,
    alertsTag: alertsTagOf(alerts),
  };
  if (alerts !== undefined) body.alerts = alerts;
  return body;
}

/**
 * What a viewer is told of the session's alerts: only while the broadcaster shares them and the status lets a
 * viewer see the session; an allow-list again, so the engine's state stays out of the answer.
 */
export function sharedAlertsOf(session: SessionSnapshot | null, status: SessionStatus): SessionAlerts | undefined {
  const alerts = session?.alerts ?? null;
  if (alerts === null || !alerts.share || !isViewable(status)) return undefined;
  return { settings: alerts.settings, active: alerts.active, recent: alerts.recent };
}

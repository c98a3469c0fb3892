import { livenessOf } from '../../src/core/liveness.ts';
import type { SessionStatus } from '../../src/core/live-api-types.ts';
import type { SessionSnapshot } from '../store/live-store.ts';
import { isRevoked } from '../store/session-state.ts';

/**
 * What a viewer is told. The link's validity comes first: a revoked or expired link shows nothing else, not
 * even that the session ended. Then the broadcaster's own end mark, unless readings with a later seq came
 * after it. Otherwise liveness, by server receive time (the device clock is not trusted).
 */
export function sessionStatusOf(session: SessionSnapshot | null, nowMs: number): SessionStatus {
  if (session === null) return 'unknown';
  if (isRevoked(session)) return 'revoked';
  if (session.exp !== null && session.exp <= nowMs) return 'expired';
  if (session.endedSeq !== null && (session.lastSeq === null || session.endedSeq > session.lastSeq)) return 'ended';
  // A session known only from a control record has never been live.
  return livenessOf(session.lastReceivedAt, nowMs) === 'live' ? 'live' : 'stale';
}

/** Whether a viewer may see the session's readings and statistics. */
export function isViewable(status: SessionStatus): boolean {
  return status !== 'revoked' && status !== 'expired' && status !== 'unknown';
}

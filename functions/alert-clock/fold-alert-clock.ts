// The alert clock, shared by the scheduled Lambda (functions/alert-clock/handler.ts) and the embedded stack's
// timer: "no data" needs the passage of time, not records, so this folds `now` into every session with alert
// rules and stores what fires. A session fires only while it is being broadcast: not ended by the broadcaster,
// not revoked, not expired (stale is exactly when a silence is news). The engine dates a "no data" event at the
// moment the silence reached its length, so when the clock happens to run changes how soon it is seen, not what
// it says.
import { foldTime } from '../../src/core/alert-engine.ts';
import { sessionStatusOf } from '../live-api/session-status.ts';
import { publishStoredAlerts, type AlertOutlet } from '../alerts/alert-outlet.ts';
import { alertMetricsFields } from '../consumer/drop-metrics.ts';
import type { AlertClockStore } from '../store/alert-clock-store.ts';
import { toSnapshot, type SessionState } from '../store/session-state.ts';
import type { Logger } from '../lib/logger.ts';
import type { LivePublisher } from '../push/appsync-publisher.ts';
import { liveEventsOf } from '../push/live-events-of.ts';

export interface AlertClockDeps {
  store: AlertClockStore;
  now: () => number;
  log: Logger;
  /** Where stored alert events go (functions/alerts/); none: they stay in the store only. */
  alerts?: AlertOutlet;
  /**
   * Where a session event goes for each session whose events were stored (AWS: AppSync Events, functions/push/), so a
   * viewer on push sees "no data" without polling; none: viewers learn of it from the live API (the embedded stack's
   * hub pushes it itself). Failures are counted and logged by the publisher, never retried.
   */
  push?: LivePublisher;
}

/**
 * One tick: how many sessions with rules were looked at, and how many events were stored. The stored events go to
 * the outlet after the store wrote them. Logs only when any were stored: the line is also the run's metrics document.
 */
export async function foldAlertClock(deps: AlertClockDeps): Promise<{ sessions: number; events: number }> {
  const now = deps.now();
  const { sessions, events, stored } = await deps.store.foldAlertClock((session) => foldSessionTime(session, now));
  const alertCounts = await publishStoredAlerts(deps.alerts, stored);
  const pushed = await deps.push?.publish(stored.flatMap(({ session }) => liveEventsOf({ session, from: session.cursor, readings: [], stateChanged: true }, now)));
  const pushFields = pushed === undefined ? {} : { pushedEvents: pushed.events - pushed.failedEvents, pushFailedEvents: pushed.failedEvents };
  // Counts only, never view ids or values.
  if (events > 0) deps.log.info('alert clock stored events', { sessions, events, ...pushFields, ...alertMetricsFields(alertCounts, now) });
  return { sessions, events };
}

function foldSessionTime(session: SessionState, now: number): ReturnType<typeof foldTime> {
  if (session.alertSettings === null || session.alertState === null) return [];
  const status = sessionStatusOf(toSnapshot(session, '0'), now);
  const broadcasting = status === 'live' || status === 'stale';
  return foldTime(session.alertSettings, session.alertState, now, broadcasting);
}

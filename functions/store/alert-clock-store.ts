// What the scheduled alert clock (functions/alert-clock/) needs of a store; both stores implement it.
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import type { SessionSnapshot, StoredAlerts } from './live-store.ts';
import type { SessionState } from './session-state.ts';

/** One session's events stored by a run of the clock, with the session as stored with them (what a pushed event shows). */
export interface ClockAlerts extends StoredAlerts {
  viewId: string;
  session: SessionSnapshot;
}

export interface AlertClockStore {
  /**
   * Calls `fold` for every session with alert rules, with its state to update in place (`fold` decides whether
   * the session is still being broadcast); stores the session and the events when `fold` returns any, and
   * wakes the session's long-polls. How many sessions were folded, how many events were stored, and the stored
   * events by session (only those the store has written: what the alert outlet may publish).
   */
  foldAlertClock(fold: (session: SessionState) => AlertEvent[]): Promise<{ sessions: number; events: number; stored: ClockAlerts[] }>;
}

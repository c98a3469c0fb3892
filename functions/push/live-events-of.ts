// The pushed events (src/core/live-events.ts) for what one consumer batch changed in one session: a ReadingsEvent
// when readings were added, else a SessionEvent when something else a viewer sees changed. The session inside is the
// live API's body, built by the same allow-list (functions/live-api/session-body.ts), so push and poll agree.
import type { LiveEvent } from '../../src/core/live-events.ts';
import { toPublicReading } from '../live-api/public-reading.ts';
import { viewerSessionBody } from '../live-api/session-body.ts';
import { isViewable, sessionStatusOf } from '../live-api/session-status.ts';
import type { SessionChange } from '../store/live-store.ts';

/**
 * Readings per event. AppSync Events takes at most 240 KB per event, and a reading with 32 RR values is about 300
 * bytes of JSON: 200 of them stay well under it. A consumer batch (at most 500 records) of one session's backlog is
 * then split into consecutive events, each with its own `from` and `next`.
 */
export const MAX_READINGS_PER_EVENT = 200;

export function liveEventsOf(change: SessionChange, now: number): LiveEvent[] {
  const { session, readings } = change;
  const viewId = session.viewId;
  const status = sessionStatusOf(session, now);
  // As the live API: a revoked or expired link shows nothing else, not even readings that came with the revoke.
  const body = viewerSessionBody(viewId, session, status, now);
  if (!isViewable(status)) return change.stateChanged ? [{ type: 'session', viewId, session: body }] : [];
  if (readings.length === 0) return change.stateChanged ? [{ type: 'session', viewId, session: body }] : [];
  const events: LiveEvent[] = [];
  let from = change.from;
  for (let start = 0; start < readings.length; start += MAX_READINGS_PER_EVENT) {
    const chunk = readings.slice(start, start + MAX_READINGS_PER_EVENT);
    const next = (chunk.at(-1) as { cursor: string }).cursor;
    events.push({ type: 'readings', viewId, from, next, readings: chunk.map(({ reading }) => toPublicReading(reading)), session: body });
    from = next;
  }
  return events;
}

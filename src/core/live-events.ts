// Pushed live events (docs/live-api.md, "Pushed events"): what the embedded stack's event stream (Server-Sent
// Events at /api/events) and the AWS push channel send, one JSON object per event. Servers build them, the viewer,
// the overlay and the group page read them, and a bot can follow a session with nothing but its share link. The
// readings and the session inside are exactly the live API's bodies (live-api-types.ts), so one parser serves both.
import { isViewId } from './session-key.ts';
import { SESSION_STATUSES, type PublicReading, type SessionBody } from './live-api-types.ts';

/** The most sessions one stream follows: a group page's limit (a coach's class, one screen). */
export const MAX_FOLLOWED_SESSIONS = 50;

/**
 * The session's status, statistics, display name and shared alerts, as `GET /api/sessions/{viewId}` answers it.
 * Sent first for every followed session, then whenever something other than readings changed it: an end mark, a
 * new expiry or a revoke, alert rules or an alert event, a new display name, or the status turning stale.
 */
export interface SessionEvent {
  type: 'session';
  viewId: string;
  session: SessionBody;
}

/**
 * Readings the store accepted after the cursor `from`, up to `next`, in ingestion order (one event per session per
 * stored batch), with the session as it stands after them. A client whose own cursor is not `from` has missed
 * readings in between: it asks the live API for readings after its cursor (docs/live-api.md) before using these.
 */
export interface ReadingsEvent {
  type: 'readings';
  viewId: string;
  from: string;
  next: string;
  readings: PublicReading[];
  session: SessionBody;
}

export type LiveEvent = SessionEvent | ReadingsEvent;

const CURSOR = /^(0|[1-9][0-9]{0,63})$/;
const STATUSES: readonly string[] = SESSION_STATUSES;

/**
 * Checks one event as a client receives it (a JSON value from a stream it does not control). Returns null for
 * anything that is not a well-formed event, so a page drops it instead of drawing from it; unknown event types are
 * null too, which lets servers add types without breaking older pages. Shared alerts inside `session` are checked
 * by the reader that uses them, as for the live API's answers.
 */
export function parseLiveEvent(value: unknown): LiveEvent | null {
  if (!isObject(value) || typeof value['viewId'] !== 'string' || !isViewId(value['viewId'])) return null;
  const viewId = value['viewId'];
  const session = value['session'];
  if (!isSessionBody(session, viewId)) return null;
  if (value['type'] === 'session') return { type: 'session', viewId, session };
  if (value['type'] !== 'readings') return null;
  const { from, next, readings } = value;
  if (typeof from !== 'string' || !CURSOR.test(from) || typeof next !== 'string' || !CURSOR.test(next)) return null;
  if (!Array.isArray(readings) || !readings.every(isPublicReading)) return null;
  return { type: 'readings', viewId, from, next, readings, session };
}

function isSessionBody(value: unknown, viewId: string): value is SessionBody {
  return (
    isObject(value) &&
    value['viewId'] === viewId &&
    STATUSES.includes(String(value['status'])) &&
    Number.isFinite(value['serverTime'])
  );
}

function isPublicReading(value: unknown): value is PublicReading {
  if (!isObject(value)) return false;
  const { seq, t, bpm, rr, contact } = value;
  return (
    Number.isSafeInteger(seq) &&
    Number.isFinite(t) &&
    Number.isFinite(bpm) &&
    (rr === undefined || (Array.isArray(rr) && rr.every((x) => Number.isFinite(x)))) &&
    (contact === undefined || typeof contact === 'boolean')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

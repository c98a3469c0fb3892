// The embedded stack's fan-out of pushed events (src/core/live-events.ts, docs/live-api.md "Pushed events"). One
// entry per followed session holds the session's cursor; after each commit that changed the session the entry
// reads the new readings and the session ONCE and writes the same serialized event to every subscriber, so a
// thousand viewers of one session cost the store what one does. A new subscriber gets its own short catch-up
// (its cursor up to the entry's) once, then shares the fan-out. All work of one entry runs in one queue, so a
// catch-up and a fan-out never interleave and every subscriber sees the session's readings in order.
//
// Cursors here are the SQLite store's: reading positions 1, 2, 3… with no gaps (functions/store/sqlite-store.ts),
// which lets a catch-up stop exactly at the entry's cursor.
import type { LiveEvent } from '../../src/core/live-events.ts';
import type { PublicReading, SessionBody, SessionStatus } from '../../src/core/live-api-types.ts';
import { STALE_AFTER_MS } from '../../src/core/liveness.ts';
import { toPublicReading } from '../../functions/live-api/public-reading.ts';
import { viewerSessionBody } from '../../functions/live-api/session-body.ts';
import { isViewable, sessionStatusOf } from '../../functions/live-api/session-status.ts';
import type { LiveStore, SessionSnapshot } from '../../functions/store/live-store.ts';
import { START_CURSOR } from '../../functions/store/live-store.ts';

export type PushHubStore = Pick<LiveStore, 'getSession' | 'getReadings'> & {
  watchChanges(listener: (viewIds: readonly string[]) => void): () => void;
};

/** Where a subscriber's events go: one already serialized Server-Sent Events message each. */
export interface PushSubscriber {
  send(frame: string): void;
}

/** A session to follow; without a cursor, from the session's newest reading (only new readings). */
export interface HubTarget {
  viewId: string;
  cursor: string | null;
}

export interface LivePushHub {
  /** Follows the targets for one subscriber until the returned function is called. */
  follow(subscriber: PushSubscriber, targets: readonly HubTarget[]): () => void;
  /** Sessions with an entry now (tests check that unfollowed ones are dropped). */
  sessionsFollowed(): number;
  close(): void;
}

export interface LivePushHubDeps {
  store: PushHubStore;
  now: () => number;
  log: (line: string) => void;
}

// The live API's page size: one event carries at most this many readings.
const PAGE = 1000;

interface Entry {
  readonly viewId: string;
  /** The cursor every subscriber of the entry stands at; null until the entry first read the session. */
  cursor: string | null;
  readonly subscribers: Set<PushSubscriber>;
  /** Follows still catching up: the entry is kept while they run. */
  pending: number;
  /** The last session body sent, without its serverTime: a SessionEvent goes out only when it changed. */
  lastSession: string | null;
  queue: Promise<void>;
  refreshQueued: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export function createLivePushHub(deps: LivePushHubDeps): LivePushHub {
  const entries = new Map<string, Entry>();
  const unwatch = deps.store.watchChanges((viewIds) => {
    for (const viewId of viewIds) {
      const entry = entries.get(viewId);
      if (entry !== undefined) scheduleRefresh(entry);
    }
  });

  function enqueue(entry: Entry, task: () => Promise<void>): void {
    entry.queue = entry.queue.then(task).catch((error: unknown) => {
      // The entry's cursor did not move: the next change sends what this one missed.
      deps.log(`push ${entry.viewId}: ${error instanceof Error ? error.message : String(error)}`);
    });
  }

  /** Coalesced: changes arriving while a refresh waits in the queue are covered by it. */
  function scheduleRefresh(entry: Entry): void {
    if (entry.refreshQueued) return;
    entry.refreshQueued = true;
    enqueue(entry, async () => {
      entry.refreshQueued = false;
      await refresh(entry);
    });
  }

  async function refresh(entry: Entry): Promise<void> {
    if (entry.cursor === null || entries.get(entry.viewId) !== entry) return;
    const from = entry.cursor;
    // Readings first, then the session: the body then stands after (or beyond) the readings it comes with.
    const page = await readReadings(entry.viewId, from, null);
    const session = await deps.store.getSession(entry.viewId);
    const now = deps.now();
    const status = sessionStatusOf(session, now);
    const body = viewerSessionBody(entry.viewId, session, status, now);
    armTimer(entry, session, status, now);
    // A revoked or expired link shows nothing: its readings stay unsent (an extended expiry sends them later).
    if (isViewable(status) && page.readings.length > 0) {
      entry.cursor = page.next;
      entry.lastSession = signatureOf(body);
      broadcast(entry, { type: 'readings', viewId: entry.viewId, from, next: page.next, readings: page.readings, session: body });
      return;
    }
    const signature = signatureOf(body);
    if (signature === entry.lastSession) return;
    entry.lastSession = signature;
    broadcast(entry, { type: 'session', viewId: entry.viewId, session: body });
  }

  /** Readings after `from`, up to `until` when given (a catch-up), all pages of them. */
  async function readReadings(viewId: string, from: string, until: number | null): Promise<{ readings: PublicReading[]; next: string }> {
    const readings: PublicReading[] = [];
    let cursor = from;
    for (;;) {
      const limit = until === null ? PAGE : Math.min(PAGE, until - Number(cursor));
      if (limit <= 0) return { readings, next: cursor };
      const page = await deps.store.getReadings(viewId, cursor, limit);
      readings.push(...page.readings.map(toPublicReading));
      cursor = page.cursor;
      if (!page.more) return { readings, next: cursor };
    }
  }

  /** The next moment the status changes by time alone: a live session turning stale, a link expiring. */
  function armTimer(entry: Entry, session: SessionSnapshot | null, status: SessionStatus, now: number): void {
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const moments: number[] = [];
    if (status === 'live' && session?.lastReceivedAt != null) moments.push(session.lastReceivedAt + STALE_AFTER_MS + 1);
    if (isViewable(status) && session?.exp != null && session.exp > now) moments.push(session.exp);
    if (moments.length === 0) return;
    entry.timer = setTimeout(() => scheduleRefresh(entry), Math.max(0, Math.min(...moments) - now));
    entry.timer.unref();
  }

  function broadcast(entry: Entry, event: LiveEvent): void {
    const frame = toFrame(event);
    for (const subscriber of entry.subscribers) subscriber.send(frame);
  }

  function entryOf(viewId: string): Entry {
    let entry = entries.get(viewId);
    if (entry === undefined) {
      entry = { viewId, cursor: null, subscribers: new Set(), pending: 0, lastSession: null, queue: Promise.resolve(), refreshQueued: false, timer: undefined };
      entries.set(viewId, entry);
    }
    return entry;
  }

  function dropIfUnused(entry: Entry): void {
    if (entry.subscribers.size > 0 || entry.pending > 0 || entries.get(entry.viewId) !== entry) return;
    clearTimeout(entry.timer);
    entries.delete(entry.viewId);
  }

  /** The subscriber's own start: the session as it is now, then the readings from its cursor up to the entry's. */
  async function join(entry: Entry, subscriber: PushSubscriber, target: HubTarget, isGone: () => boolean): Promise<void> {
    const session = await deps.store.getSession(entry.viewId);
    const now = deps.now();
    const status = sessionStatusOf(session, now);
    const body = viewerSessionBody(entry.viewId, session, status, now);
    if (entry.cursor === null) {
      entry.cursor = session?.cursor ?? START_CURSOR;
      entry.lastSession = signatureOf(body);
      armTimer(entry, session, status, now);
    }
    if (isGone()) return;
    subscriber.send(toFrame({ type: 'session', viewId: entry.viewId, session: body }));
    const from = target.cursor;
    if (isViewable(status) && from !== null && Number(from) < Number(entry.cursor)) {
      const page = await readReadings(entry.viewId, from, Number(entry.cursor));
      if (isGone()) return;
      if (page.readings.length > 0) {
        subscriber.send(toFrame({ type: 'readings', viewId: entry.viewId, from, next: page.next, readings: page.readings, session: body }));
      }
    }
    entry.subscribers.add(subscriber);
  }

  return {
    follow(subscriber, targets) {
      let gone = false;
      const isGone = (): boolean => gone;
      const joined = targets.map((target) => {
        const entry = entryOf(target.viewId);
        entry.pending += 1;
        enqueue(entry, () =>
          join(entry, subscriber, target, isGone).finally(() => {
            entry.pending -= 1;
            dropIfUnused(entry);
          }),
        );
        return entry;
      });
      return () => {
        gone = true;
        for (const entry of joined) {
          entry.subscribers.delete(subscriber);
          dropIfUnused(entry);
        }
      };
    },

    sessionsFollowed: () => entries.size,

    close() {
      unwatch();
      for (const entry of entries.values()) clearTimeout(entry.timer);
      entries.clear();
    },
  };
}

/** One Server-Sent Events message: JSON never holds a raw newline, so one data line carries the whole event. */
function toFrame(event: LiveEvent): string {
  return `data: ${JSON.stringify(event)}\n\n`;
}

function signatureOf(body: SessionBody): string {
  return JSON.stringify({ ...body, serverTime: 0 });
}

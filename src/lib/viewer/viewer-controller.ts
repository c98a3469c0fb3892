// The viewer's follow loop, free of Svelte so it can be tested with a fake API and a fake clock: ask the live
// API for the session, then long-poll its readings after a cursor (catching up page by page); on a failure,
// say "offline", back off and try again. With a push channel (runtime config `push`) it catches up through the
// API and then takes pushed events instead of long-polling; when the channel fails it long-polls again by
// itself and tries push later. ViewerState only mirrors the snapshot this publishes.
import { fullJitterDelay, type BackoffOptions } from '../../core/backoff.ts';
import { RmssdAccumulator } from '../../core/hrv.ts';
import { LiveHrv } from '../../core/live-hrv.ts';
import { isLaterCursor, laterCursor } from '../../core/push-cursor.ts';
import { isViewId } from '../../core/session-key.ts';
import { isPlausibleMaxHr } from '../../core/zones.ts';
import { SeriesBuffer } from '../chart/series-buffer.ts';
import type { PublicReading, ReadingsBody, SessionAlerts, SessionBody } from '../../core/live-api-types.ts';
import type { LiveEvent } from '../../core/live-events.ts';
import { checkedAlerts, LiveApiError, type LiveApiClient } from './live-api-client.ts';
import type { PushChannel, PushSubscription } from './push-channel.ts';
import { msUntilStatusChange, type RemoteView } from './viewer-status.ts';

export interface ViewerSnapshot extends RemoteView {
  bpm: number | null;
  contact: boolean | null;
  count: number;
  min: number | null;
  max: number | null;
  average: number | null;
  rmssd: number | null;
  /** SDNN, pNN50 and rolling DFA α1 of the RR intervals received, computed as the broadcaster's panel does. */
  sdnn: number | null;
  pnn50: number | null;
  dfaAlpha1: number | null;
  lastShownSeq: number | null;
  /** Sequence numbers of the readings the latest answer added (for the latency marks). */
  addedSeqs: readonly number[];
  /** serverTime − local clock, from the latest answer. */
  clockOffset: number;
  /** The broadcaster's shared alerts from the latest session answer; null when not shared (or not served yet). */
  alerts: SessionAlerts | null;
  /** The broadcaster's max HR from the latest session answer, for zone colours; null when not shared. */
  maxHr: number | null;
}

export interface ViewerDeps {
  api: LiveApiClient;
  now: () => number;
  delay: (ms: number) => Promise<void>;
  random?: () => number;
  /** Pushed events (runtime config `push`); without a channel the viewer long-polls only. */
  push?: PushChannel;
  /** A monotonic clock for the cost of an HRV refresh (LiveHrv); performance.now by default. */
  elapsedMs?: () => number;
}

// 48 h at one reading a second, like the broadcaster's chart.
const CHART_CAPACITY = 172_800;
export const PAGE_LIMIT = 1000;
// Long-poll: the local store answers as soon as a reading lands; the wait bounds how stale the status can get.
export const WAIT_MS = 10_000;
// How often a link that is unknown, ended, revoked or expired is checked again (it may start or be restored).
export const RECHECK_MS = 5_000;
// A store without long-poll (OpenSearch behind a 1 s CDN cache) answers at once: poll at most once a second.
export const MIN_POLL_MS = 1_000;
export const RETRY_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 10_000 };
// After push failed, long-poll for this long before trying push again: doubling from 5 s up to a minute, and from
// 5 s again once a stream opened. Nothing of it shows: the viewer sees the same readings either way.
export const PUSH_RETRY: BackoffOptions = { baseMs: 5_000, capMs: 60_000 };
// A pushed event can come before the live API serves the readings up to its `from` (AWS: published before the index
// refresh, at most 1 s): the gap is asked for again this often, and after this many tries push is given up for the
// long-poll, which loses nothing either.
export const GAP_RETRY_MS = 500;
export const GAP_ATTEMPTS = 10;

const EMPTY: Omit<ViewerSnapshot, 'remote' | 'clockOffset' | 'expiresAt'> = {
  bpm: null,
  contact: null,
  count: 0,
  min: null,
  max: null,
  average: null,
  rmssd: null,
  sdnn: null,
  pnn50: null,
  dfaAlpha1: null,
  lastReceivedAt: null,
  lastShownSeq: null,
  addedSeqs: [],
  alerts: null,
  maxHr: null,
};

/** Read-only follower of one shared session through the live API. */
export class ViewerController {
  readonly series = new SeriesBuffer(CHART_CAPACITY);
  private hrv = new RmssdAccumulator();
  private liveHrv: LiveHrv;
  private readonly seen = new Set<number>();
  private cursor = '0';
  /** Tag of the shared alerts in the snapshot, as the server gave it; undefined from a server that sends none. */
  private alertsTag: string | undefined = undefined;
  private stopped = false;
  private abort: AbortController | null = null;
  /** Ends the current pause early (the network came back). */
  private wake: (() => void) | null = null;
  /** Ends the current push follow (stop, or the network went away). */
  private endPush: (() => void) | null = null;
  private pushFailures = 0;
  /** While following by push: hears of every session answer applied, to re-read the session when time changes it. */
  private sessionApplied: ((session: SessionBody) => void) | null = null;
  /** Long-poll until then (the page's clock), after push failed. */
  private pushRetryAt = 0;
  private state: ViewerSnapshot;
  /** False for a mangled link, which is never sent to the API. */
  private readonly followable: boolean;
  private readonly listeners = new Set<(snapshot: ViewerSnapshot) => void>();
  private readonly dataListeners = new Set<() => void>();
  private readonly readingListeners = new Set<(readings: readonly PublicReading[], serverTime: number) => void>();

  constructor(
    readonly viewId: string,
    private readonly deps: ViewerDeps,
  ) {
    this.followable = isViewId(viewId);
    this.liveHrv = this.createLiveHrv();
    this.state = { ...EMPTY, remote: this.followable ? 'connecting' : 'unknown', expiresAt: null, clockOffset: 0 };
  }

  get snapshot(): ViewerSnapshot {
    return this.state;
  }

  /** Follows the session until stop(); resolves when the loop has ended. */
  async start(): Promise<void> {
    if (!this.followable) return;
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.followOnce();
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        // An aborted request that stop() did not abort was cut off by connectionChanged(false).
        if (!(error instanceof LiveApiError) && !isAbort(error)) throw error;
        this.update({ remote: 'offline' });
        await this.pause(fullJitterDelay(failures, RETRY_BACKOFF, this.deps.random));
        failures += 1;
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    this.endPush?.();
    this.wake?.();
  }

  /**
   * What the browser says about the network. A long-poll can hang for seconds on a dropped connection, and a
   * backoff pause can last ten: losing the network says so at once, and getting it back catches up at once.
   */
  connectionChanged(online: boolean): void {
    if (online) {
      this.wake?.();
      return;
    }
    if (!this.followable) return;
    this.update({ remote: 'offline' });
    this.abort?.abort();
    this.endPush?.();
  }

  /** Called with every new snapshot; returns an unsubscribe function. */
  subscribe(listener: (snapshot: ViewerSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when the chart series changed; returns an unsubscribe function. */
  onData(listener: () => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /**
   * Called with the readings each answer added (each seq once, in the answer's order) and that answer's
   * serverTime: the viewer's own alerts are evaluated from these. Returns an unsubscribe function.
   */
  onReadings(listener: (readings: readonly PublicReading[], serverTime: number) => void): () => void {
    this.readingListeners.add(listener);
    return () => this.readingListeners.delete(listener);
  }

  /** One round: status, then readings after the cursor (catching up page by page), or a pause. */
  private async followOnce(): Promise<void> {
    const session = await this.deps.api.getSession(this.viewId);
    if (!this.applySession(session)) {
      await this.pause(RECHECK_MS);
      return;
    }
    // An unknown link may be a broadcast whose first reading has not arrived yet: it is followed like a live
    // one (the long-poll answers the moment a reading lands), and shown as unknown until then.
    const push = this.deps.push;
    if (push !== undefined && this.deps.now() >= this.pushRetryAt) await this.followByPush(push, session);
    else await this.followReadings();
  }

  /** The session's status, statistics and alerts; false when the link is off (revoked, expired): all cleared. */
  private applySession(session: SessionBody): boolean {
    const clockOffset = this.offsetFrom(session.serverTime);
    if (session.status === 'revoked' || session.status === 'expired') {
      this.clear();
      this.update({ remote: session.status, clockOffset });
      return false;
    }
    this.alertsTag = session.alertsTag;
    this.update({ ...summaryOf(session), remote: session.status, clockOffset });
    this.sessionApplied?.(session);
    return true;
  }

  /**
   * Catches up through the live API, then takes pushed events until the channel fails (or stop, or offline).
   * After a failure the loop long-polls until PUSH_RETRY has passed, then comes back here.
   */
  private async followByPush(channel: PushChannel, session: SessionBody): Promise<void> {
    if (!(await this.catchUp())) return;
    let failed = false;
    await new Promise<void>((resolve) => {
      let ended = false;
      let subscription: PushSubscription | null = null;
      // One event at a time: a gap fetch must finish before the next event is applied.
      let queue = Promise.resolve();
      const end = (): void => {
        if (ended) return;
        ended = true;
        subscription?.close();
        this.endPush = null;
        this.sessionApplied = null;
        resolve();
      };
      // On a channel that does not push it (AWS: nothing writes when a session turns stale or its link expires by
      // time alone), once the channel is open, the session is asked again at that moment, counted from the latest
      // answer, in the same queue as the events.
      let open = false;
      let latest = session;
      let armed = 0;
      const recheckWhenTimeChanges = (): void => {
        if (!open || ended || channel.pushesTimeChanges === true) return;
        const ms = msUntilStatusChange(latest);
        const mine = ++armed;
        if (ms === null) return;
        void this.deps.delay(ms).then(() => {
          if (ended || mine !== armed) return;
          queue = queue.then(() => (ended ? undefined : this.recheckSession(end))).catch(fail);
        });
      };
      this.sessionApplied = (applied) => {
        latest = applied;
        recheckWhenTimeChanges();
      };
      const fail = (): void => {
        failed = !ended;
        end();
      };
      this.endPush = end;
      subscription = channel.follow([{ viewId: this.viewId, cursor: this.cursor }], {
        state: (state) => {
          if (state === 'open') {
            this.pushFailures = 0;
            open = true;
            // After this turn: a channel that fails at once never waits for the session's next change.
            void Promise.resolve().then(recheckWhenTimeChanges);
          }
          if (state === 'failed') fail();
        },
        event: (event) => {
          // A gap fetch that failed (network, API) ends push like a dropped stream: the long-poll takes over.
          queue = queue.then(() => (ended ? undefined : this.applyPushed(event))).catch(fail);
        },
      });
      if (ended) subscription.close();
    });
    if (!failed) return;
    this.pushRetryAt = this.deps.now() + Math.min(PUSH_RETRY.capMs, PUSH_RETRY.baseMs * 2 ** this.pushFailures);
    this.pushFailures += 1;
  }

  /** The session again (its status changed by time alone); a link that is off ends push, and the loop rechecks it. */
  private async recheckSession(end: () => void): Promise<void> {
    if (!this.applySession(await this.deps.api.getSession(this.viewId))) end();
  }

  /** Readings after the cursor through the live API, page by page, without waiting; false when the link is off. */
  private async catchUp(): Promise<boolean> {
    for (;;) {
      this.abort = new AbortController();
      const page = await this.deps.api.getReadings(this.viewId, this.cursor, {
        limit: PAGE_LIMIT,
        waitMs: 0,
        ...(this.alertsTag === undefined ? {} : { alertsTag: this.alertsTag }),
        signal: this.abort.signal,
      });
      if (!this.applyPage(page)) return false;
      if (!page.more) return true;
    }
  }

  /**
   * One pushed event. Readings from a cursor past this page's mean some were missed: fetched first. Readings from an
   * earlier cursor were seen already (each seq is shown once), and the cursor never moves back (src/core/push-cursor.ts).
   */
  private async applyPushed(event: LiveEvent): Promise<void> {
    if (event.viewId !== this.viewId) return;
    const session = checkedAlerts(event.session);
    if (event.type === 'readings') {
      if (isLaterCursor(event.from, this.cursor) && !(await this.fillGap(event.from))) return;
      this.add(event.readings, session.serverTime);
      this.cursor = laterCursor(this.cursor, event.next);
    }
    this.applySession(session);
  }

  /**
   * Readings up to `from` through the live API, asked again while the API still trails the event; false when the link
   * is off or the page stopped. Throws when the API never catches up, which ends push like a failed stream.
   */
  private async fillGap(from: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      if (!(await this.catchUp())) return false;
      if (!isLaterCursor(from, this.cursor)) return true;
      if (attempt >= GAP_ATTEMPTS) throw new Error('the live API did not serve the readings before a pushed event');
      await this.deps.delay(GAP_RETRY_MS);
      if (this.stopped) return false;
    }
  }

  private async followReadings(): Promise<void> {
    while (!this.stopped) {
      this.abort = new AbortController();
      const asked = this.deps.now();
      const page = await this.deps.api.getReadings(this.viewId, this.cursor, {
        limit: PAGE_LIMIT,
        waitMs: this.state.remote === 'ended' ? 0 : WAIT_MS,
        // The server answers at once when the shared alerts are no longer these: an alert fired without a reading.
        ...(this.alertsTag === undefined ? {} : { alertsTag: this.alertsTag }),
        signal: this.abort.signal,
      });
      const statusChanged = page.status !== this.state.remote;
      if (!this.applyPage(page)) return;
      if (page.more) continue;
      if (page.status === 'ended' && page.readings.length === 0) {
        await this.pause(RECHECK_MS);
        return;
      }
      // New readings or a new status (an end mark, a changed expiry): refresh the session, whose statistics and
      // expiry come from the server.
      if (page.readings.length > 0 || statusChanged) return;
      const elapsed = this.deps.now() - asked;
      if (elapsed < MIN_POLL_MS) await this.pause(MIN_POLL_MS - elapsed);
    }
  }

  /** One readings answer: cursor, readings, status and alerts; false when the link is off (all cleared). */
  private applyPage(page: ReadingsBody): boolean {
    // An API answer can stand behind a pushed event's `next` (AWS, before the index refresh): keep the later one.
    this.cursor = laterCursor(this.cursor, page.next);
    if (page.status === 'revoked' || page.status === 'expired') {
      this.clear();
      this.update({ remote: page.status, clockOffset: this.offsetFrom(page.serverTime) });
      return false;
    }
    this.add(page.readings, page.serverTime);
    // A server that tags its alerts sends them with every page; absent alerts then mean not shared (any more).
    const alerts = page.alertsTag === undefined ? {} : { alerts: page.alerts ?? null };
    this.alertsTag = page.alertsTag;
    this.update({ ...alerts, remote: page.status, clockOffset: this.offsetFrom(page.serverTime) });
    return true;
  }

  private add(readings: readonly PublicReading[], serverTime: number): void {
    let newest: PublicReading | null = null;
    const added: number[] = [];
    const fresh: PublicReading[] = [];
    for (const r of readings) {
      // A resent reading (the stream delivers at least once) is shown once.
      if (this.seen.has(r.seq)) continue;
      this.seen.add(r.seq);
      added.push(r.seq);
      fresh.push(r);
      this.series.insert(r.t / 1000, r.bpm);
      for (const rr of r.rr ?? []) {
        this.hrv.push(rr);
        this.liveHrv.push(rr);
      }
      if (newest === null || r.seq > newest.seq) newest = r;
    }
    if (newest === null) return;
    const { lastShownSeq } = this.state;
    // A late reading fills the chart but does not replace a newer value on screen.
    const shown = lastShownSeq === null || newest.seq > lastShownSeq
      ? { bpm: newest.bpm, contact: newest.contact ?? null, lastShownSeq: newest.seq, lastReceivedAt: serverTime }
      : {};
    // Null while no refresh is due (at most one a second, and rarer as a long session makes it cost more).
    const variability = this.liveHrv.refresh(this.deps.now()) ?? {};
    this.update({ ...shown, ...variability, addedSeqs: added, rmssd: this.hrv.value, count: Math.max(this.state.count, this.seen.size) });
    for (const listener of this.dataListeners) listener();
    for (const listener of this.readingListeners) listener(fresh, serverTime);
  }

  private createLiveHrv(): LiveHrv {
    return new LiveHrv(this.deps.elapsedMs ?? (() => performance.now()));
  }

  private clear(): void {
    this.series.clear();
    this.seen.clear();
    this.hrv = new RmssdAccumulator();
    this.liveHrv = this.createLiveHrv();
    this.cursor = '0';
    this.update({ ...EMPTY });
    for (const listener of this.dataListeners) listener();
  }

  private async pause(ms: number): Promise<void> {
    await Promise.race([this.deps.delay(ms), new Promise<void>((resolve) => (this.wake = resolve))]);
    this.wake = null;
  }

  private offsetFrom(serverTime: number): number {
    return serverTime - this.deps.now();
  }

  private update(patch: Partial<ViewerSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }
}

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}

/** The session's statistics and expiry; fields the answer leaves out keep their value. */
function summaryOf(s: SessionBody): Partial<ViewerSnapshot> {
  // Alerts absent from the answer are not shared (any more): the broadcaster withdrew them, or the server
  // does not serve them.
  const patch: Partial<ViewerSnapshot> = { expiresAt: s.expiresAt ?? null, alerts: s.alerts ?? null };
  if (s.count !== undefined) patch.count = s.count;
  if (s.min !== undefined) patch.min = s.min;
  if (s.max !== undefined) patch.max = s.max;
  if (s.avg !== undefined) patch.average = s.avg;
  if (s.lastReceivedAt !== undefined) patch.lastReceivedAt = s.lastReceivedAt;
  // Checked like the broadcaster's own setting: a zone colour from a wild number would be wrong, not just odd.
  if (s.maxHr !== undefined) patch.maxHr = isPlausibleMaxHr(s.maxHr) ? s.maxHr : null;
  return patch;
}

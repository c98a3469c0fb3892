// The group page's data, free of Svelte so it can be tested with a fake API and a fake push channel: many shared
// sessions at once, on ONE push subscription when a channel is given, else by polling. A browser opens at most six
// connections per origin over HTTP/1.1, so fifty long-polls would starve each other (and the page's own requests):
// the poller asks each session for what is new without waiting (wait=0), one request at a time, round-robin, every
// session once per POLL_ROUND_MS. GroupState mirrors the snapshot into runes.
import type { PublicReading, SessionBody } from '../../core/live-api-types.ts';
import type { LiveEvent, ReadingsEvent } from '../../core/live-events.ts';
import { isLaterCursor, laterCursor } from '../../core/push-cursor.ts';
import { SeriesBuffer } from '../chart/series-buffer.ts';
import { LiveApiError, type LiveApiClient } from '../viewer/live-api-client.ts';
import type { PushChannel, PushState, PushSubscription } from '../viewer/push-channel.ts';
import { GAP_ATTEMPTS, GAP_RETRY_MS } from '../viewer/viewer-controller.ts';
import { createTile, withReadings, withSession, type GroupTile } from './group-tile.ts';

/** Every session is asked once per round when polling: 50 sessions make 25 small requests a second. */
export const POLL_ROUND_MS = 2_000;
/** The session body (name, max HR, expiry, end mark) is asked again this often per session when polling. */
export const SESSION_REFRESH_MS = 10_000;
/** After the push channel gave up, polling carries the page and push is tried again after this long. */
export const PUSH_RETRY_MS = 30_000;
const PAGE_LIMIT = 1000;
// Ten minutes at one reading a second: the sparklines show the last few.
const SPARK_CAPACITY = 600;

export type GroupTransport = 'push' | 'poll';

export interface GroupSnapshot {
  /** In the order of the group link. */
  tiles: readonly GroupTile[];
  transport: GroupTransport;
}

export interface GroupDeps {
  api: LiveApiClient;
  /** The push channel (H1's SSE or the AWS channel); null: poll only. */
  channel: PushChannel | null;
  now: () => number;
  delay: (ms: number) => Promise<void>;
}

interface Follow {
  tile: GroupTile;
  /** Where the next readings start; null until the session body gave one. */
  cursor: string | null;
  sessionAt: number;
  readonly series: SeriesBuffer;
  /** Events and polls of one session run one after another, so a cursor is never advanced twice. */
  queue: Promise<void>;
}

export class GroupController {
  private readonly follows: Follow[];
  private readonly byId = new Map<string, Follow>();
  private state: GroupSnapshot;
  private stopped = false;
  private polling = false;
  private subscription: PushSubscription | null = null;
  private readonly listeners = new Set<(snapshot: GroupSnapshot) => void>();
  private readonly dataListeners = new Set<(viewId: string) => void>();

  constructor(
    viewIds: readonly string[],
    private readonly deps: GroupDeps,
  ) {
    this.follows = viewIds.map((viewId) => ({ tile: createTile(viewId), cursor: null, sessionAt: 0, series: new SeriesBuffer(SPARK_CAPACITY), queue: Promise.resolve() }));
    for (const f of this.follows) this.byId.set(f.tile.viewId, f);
    this.state = { tiles: this.follows.map((f) => f.tile), transport: 'poll' };
  }

  get snapshot(): GroupSnapshot {
    return this.state;
  }

  /** A session's recent heart rates (seconds, bpm), for its sparkline; undefined for an id not in the group. */
  seriesOf(viewId: string): SeriesBuffer | undefined {
    return this.byId.get(viewId)?.series;
  }

  subscribe(listener: (snapshot: GroupSnapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called with the view id whose series changed. */
  onData(listener: (viewId: string) => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  /** Reads every session once (push needs each one's cursor), then follows them all until stop(). */
  async start(): Promise<void> {
    for (const f of this.follows) {
      if (this.stopped) return;
      await this.serial(f, () => this.refreshSession(f));
    }
    if (this.deps.channel !== null) this.openPush(this.deps.channel);
    else void this.poll();
  }

  stop(): void {
    this.stopped = true;
    this.subscription?.close();
    this.subscription = null;
  }

  private openPush(channel: PushChannel): void {
    if (this.stopped) return;
    const targets = this.follows.map((f) => ({ viewId: f.tile.viewId, cursor: f.cursor ?? '0' }));
    // Polling carries the page until the channel is open, and again whenever it fails.
    void this.poll();
    this.subscription = channel.follow(targets, {
      event: (event) => this.onEvent(event),
      state: (state) => this.onPushState(state, channel),
    });
  }

  private onPushState(state: PushState, channel: PushChannel): void {
    if (this.stopped) return;
    if (state === 'open') {
      this.publish({ transport: 'push' });
      return;
    }
    if (state !== 'failed') return;
    this.subscription?.close();
    this.subscription = null;
    this.publish({ transport: 'poll' });
    void this.poll();
    void this.deps.delay(PUSH_RETRY_MS).then(() => {
      if (this.subscription === null) this.openPush(channel);
    });
  }

  private onEvent(event: LiveEvent): void {
    const f = this.byId.get(event.viewId);
    // Only what this page follows: a channel that delivers anything else is not trusted with it.
    if (f === undefined || this.stopped) return;
    void this.serial(f, async () => {
      if (event.type === 'readings') await this.applyPushedReadings(f, event);
      this.applySession(f, event.session);
    });
  }

  /**
   * Readings follow on from this page's cursor, or the gap before them is fetched first, asked again while the live API
   * still trails the event (src/core/push-cursor.ts). The API's end moves a stored batch at a time, as events do, so
   * after the gap the cursor stands at the event's `from` (its readings are new) or at or past its `next` (served).
   */
  private async applyPushedReadings(f: Follow, event: ReadingsEvent): Promise<void> {
    for (let attempt = 1; f.cursor !== null && isLaterCursor(event.from, f.cursor); attempt++) {
      await this.catchUp(f);
      if (attempt >= GAP_ATTEMPTS || this.stopped || f.tile.remote === 'offline') return;
      if (isLaterCursor(event.from, f.cursor)) await this.deps.delay(GAP_RETRY_MS);
    }
    if (f.cursor !== event.from) return;
    this.addReadings(f, event.readings, event.session.serverTime);
    f.cursor = event.next;
  }

  /** Round-robin, one request at a time, until push is open or the page stops; a second call while one runs does nothing. */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      while (!this.stopped && this.state.transport === 'poll') {
        for (const f of this.follows) {
          if (this.stopped || this.state.transport !== 'poll') break;
          await this.serial(f, () => this.pollOne(f));
          await this.deps.delay(POLL_ROUND_MS / this.follows.length);
        }
        if (this.follows.length === 0) return;
      }
    } finally {
      this.polling = false;
    }
  }

  private async pollOne(f: Follow): Promise<void> {
    if (f.cursor === null || this.deps.now() - f.sessionAt >= SESSION_REFRESH_MS) await this.refreshSession(f);
    else await this.catchUp(f);
  }

  private async refreshSession(f: Follow): Promise<void> {
    try {
      const body = await this.deps.api.getSession(f.tile.viewId);
      f.sessionAt = this.deps.now();
      this.applySession(f, body);
    } catch (error) {
      this.failed(f, error);
    }
  }

  /** Readings after the cursor, page by page, without waiting (wait=0). */
  private async catchUp(f: Follow): Promise<void> {
    if (f.cursor === null) return;
    try {
      for (;;) {
        const page = await this.deps.api.getReadings(f.tile.viewId, f.cursor, { limit: PAGE_LIMIT, waitMs: 0 });
        this.addReadings(f, page.readings, page.serverTime);
        // An answer can stand behind a pushed event's `next` (AWS, before the index refresh): never move back.
        f.cursor = laterCursor(f.cursor ?? '0', page.next);
        const remote = page.status;
        if (remote !== f.tile.remote) {
          // A new status (an end mark, a link turned off) brings its session body with it on the next poll.
          f.sessionAt = 0;
          if (remote === 'revoked' || remote === 'expired') this.applySession(f, page);
          else this.setTile(f, { ...f.tile, remote });
        }
        if (!page.more || this.stopped) return;
      }
    } catch (error) {
      this.failed(f, error);
    }
  }

  private applySession(f: Follow, body: SessionBody): void {
    if (body.viewId !== f.tile.viewId) return;
    if (body.status === 'revoked' || body.status === 'expired') {
      f.series.clear();
      this.notifyData(f);
    }
    // Starts at the newest reading: the sparklines fill from now on, and no old session is read whole.
    if (f.cursor === null) f.cursor = body.cursor ?? '0';
    this.setTile(f, withSession(f.tile, body, this.offsetFrom(body.serverTime)));
  }

  private addReadings(f: Follow, readings: readonly PublicReading[], serverTime: number): void {
    if (readings.length === 0) return;
    for (const r of readings) f.series.insert(r.t / 1000, r.bpm);
    this.setTile(f, withReadings(f.tile, readings, serverTime));
    this.notifyData(f);
  }

  private failed(f: Follow, error: unknown): void {
    if (!(error instanceof LiveApiError)) throw error;
    this.setTile(f, { ...f.tile, remote: 'offline' });
  }

  private serial(f: Follow, task: () => Promise<void>): Promise<void> {
    const run = f.queue.then(task);
    f.queue = run.catch(() => undefined);
    return run;
  }

  private offsetFrom(serverTime: number): number {
    return serverTime - this.deps.now();
  }

  private setTile(f: Follow, tile: GroupTile): void {
    if (tile === f.tile) return;
    f.tile = tile;
    this.publish({ tiles: this.follows.map((x) => x.tile) });
  }

  private notifyData(f: Follow): void {
    for (const listener of this.dataListeners) listener(f.tile.viewId);
  }

  private publish(patch: Partial<GroupSnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }
}

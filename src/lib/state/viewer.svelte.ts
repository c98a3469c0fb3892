import { fullJitterDelay } from '../../core/backoff.ts';
import { RmssdAccumulator } from '../../core/hrv.ts';
import { STALE_AFTER_MS } from '../../core/liveness.ts';
import { SeriesBuffer } from '../chart/series-buffer.ts';
import { sleep } from '../with-timeout.ts';
import { LiveApiError, type LiveApiClient, type RemoteReading, type RemoteStatus } from '../viewer/live-api-client.ts';

/** What a viewer is shown. "offline": this page cannot reach the API (it keeps trying and catches up). */
export type ViewerStatus = RemoteStatus | 'connecting' | 'offline';

const CHART_CAPACITY = 172_800;
const PAGE_LIMIT = 1000;
// Long-poll: the local store answers as soon as a reading lands; the wait bounds how stale the status can get.
const WAIT_MS = 10_000;
// How often a link that is unknown, ended, revoked or expired is checked again (it may start or be restored).
const RECHECK_MS = 5_000;
const RETRY_BACKOFF = { baseMs: 500, capMs: 10_000 };

/** Read-only follower of one shared session through the live API. */
export class ViewerState {
  readonly series = new SeriesBuffer(CHART_CAPACITY);
  private hrv = new RmssdAccumulator();
  private readonly dataListeners = new Set<() => void>();
  private readonly seen = new Set<number>();
  private cursor = '0';
  private stopped = false;
  private abort: AbortController | null = null;
  private ticker: ReturnType<typeof setInterval> | undefined;

  remote = $state<ViewerStatus>('connecting');
  bpm = $state<number | null>(null);
  contact = $state<boolean | null>(null);
  count = $state(0);
  min = $state<number | null>(null);
  max = $state<number | null>(null);
  average = $state<number | null>(null);
  rmssd = $state<number | null>(null);
  /** Server receive time of the newest reading. */
  lastReceivedAt = $state<number | null>(null);
  lastShownSeq = $state<number | null>(null);
  /** Sequence numbers of the readings the latest answer added (for the latency marks). */
  addedSeqs = $state.raw<number[]>([]);
  now = $state(Date.now());
  /** serverTime − local clock, from the latest answer. */
  private clockOffset = $state(0);

  readonly secondsSinceData = $derived(
    this.lastReceivedAt === null ? null : Math.max(0, Math.floor((this.now + this.clockOffset - this.lastReceivedAt) / 1000)),
  );
  /** The share link's expiry, if the broadcaster set one. */
  expiresAt = $state<number | null>(null);
  /**
   * The status shown. Between API answers (a long-poll can last seconds) the page's own clock says when a
   * live session goes stale and when the link expires.
   */
  readonly status = $derived.by<ViewerStatus>(() => {
    const serverNow = this.now + this.clockOffset;
    if (this.expiresAt !== null && serverNow >= this.expiresAt && this.remote !== 'revoked' && this.remote !== 'unknown') return 'expired';
    if (this.remote === 'live' && this.secondsSinceData !== null && this.secondsSinceData * 1000 >= STALE_AFTER_MS) return 'stale';
    return this.remote;
  });

  constructor(
    readonly viewId: string,
    private readonly api: LiveApiClient,
  ) {}

  start(): void {
    this.ticker = setInterval(() => (this.now = Date.now()), 500);
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort();
    clearInterval(this.ticker);
  }

  onData(listener: () => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  private async run(): Promise<void> {
    for (let failures = 0; !this.stopped; ) {
      try {
        await this.follow();
        failures = 0;
      } catch (error) {
        if (this.stopped) return;
        if (!(error instanceof LiveApiError)) throw error;
        this.remote = 'offline';
        await sleep(fullJitterDelay(failures, RETRY_BACKOFF));
        failures += 1;
      }
    }
  }

  /** One round: status, then readings after the cursor (catching up page by page), or a pause. */
  private async follow(): Promise<void> {
    const session = await this.api.getSession(this.viewId);
    this.syncClock(session.serverTime);
    if (session.status === 'revoked' || session.status === 'expired') {
      this.remote = session.status;
      this.clear();
      await sleep(RECHECK_MS);
      return;
    }
    // An unknown link may be a broadcast whose first reading has not arrived yet: it is followed like a live
    // one (the long-poll answers the moment a reading lands), and shown as unknown until then.
    this.applySummary(session);
    this.expiresAt = session.expiresAt ?? null;
    if (session.lastReceivedAt !== undefined) this.lastReceivedAt = session.lastReceivedAt ?? null;
    this.remote = session.status;
    for (;;) {
      if (this.stopped) return;
      this.abort = new AbortController();
      const asked = Date.now();
      const page = await this.api.getReadings(this.viewId, this.cursor, {
        limit: PAGE_LIMIT,
        waitMs: this.remote === 'ended' ? 0 : WAIT_MS,
        signal: this.abort.signal,
      });
      this.syncClock(page.serverTime);
        this.cursor = page.next;
      this.add(page.readings, page.serverTime);
      const statusChanged = page.status !== this.remote;
      this.remote = page.status;
      if (page.status === 'revoked' || page.status === 'expired') {
        this.clear();
        return;
      }
      if (page.more) continue;
      if (page.status === 'ended' && page.readings.length === 0) {
        await sleep(RECHECK_MS);
        return;
      }
      // New readings or a new status (an end mark, a changed expiry): refresh the session, whose statistics and
      // expiry come from the server.
      if (page.readings.length > 0 || statusChanged) return;
      // A store without long-poll (OpenSearch behind a 1 s CDN cache) answers at once: poll once a second.
      const elapsed = Date.now() - asked;
      if (elapsed < 1000) await sleep(1000 - elapsed);
    }
  }

  private add(readings: RemoteReading[], serverTime: number): void {
    let newest: RemoteReading | null = null;
    const added: number[] = [];
    for (const r of readings) {
      if (this.seen.has(r.seq)) continue;
      this.seen.add(r.seq);
      added.push(r.seq);
      this.series.insert(r.t / 1000, r.bpm);
      for (const rr of r.rr ?? []) this.hrv.push(rr);
      if (newest === null || r.seq > newest.seq) newest = r;
    }
    if (newest === null) return;
    this.addedSeqs = added;
    if (this.lastShownSeq === null || newest.seq > this.lastShownSeq) {
      this.bpm = newest.bpm;
      this.contact = newest.contact ?? null;
      this.lastShownSeq = newest.seq;
      this.lastReceivedAt = serverTime;
    }
    this.rmssd = this.hrv.value;
    this.count = Math.max(this.count, this.seen.size);
    for (const listener of this.dataListeners) listener();
  }

  private applySummary(s: { count?: number; min?: number | null; max?: number | null; avg?: number | null }): void {
    if (s.count !== undefined) this.count = s.count;
    if (s.min !== undefined) this.min = s.min;
    if (s.max !== undefined) this.max = s.max;
    if (s.avg !== undefined) this.average = s.avg;
  }

  private clear(): void {
    this.series.clear();
    this.seen.clear();
    this.hrv = new RmssdAccumulator();
    this.cursor = '0';
    this.bpm = null;
    this.contact = null;
    this.lastShownSeq = null;
    this.lastReceivedAt = null;
    this.addedSeqs = [];
    this.count = 0;
    this.min = this.max = this.average = this.rmssd = null;
    for (const listener of this.dataListeners) listener();
  }

  private syncClock(serverTime: number): void {
    this.now = Date.now();
    this.clockOffset = serverTime - this.now;
  }
}

import type { PublicReading, ReadingsBody, SessionAlerts, SessionBody, SessionStatus } from '../../../src/core/live-api-types.ts';
import { alertsTagOf } from '../../../src/core/alerts-tag.ts';
import { STALE_AFTER_MS } from '../../../src/core/liveness.ts';
import { LiveApiError, type LiveApiClient } from '../../../src/lib/viewer/live-api-client.ts';

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A clock the test moves: every delay the code asks for passes at once, and is recorded. */
export class FakeClock {
  t = T0;
  readonly delays: number[] = [];

  readonly now = (): number => this.t;

  readonly delay = async (ms: number): Promise<void> => {
    this.delays.push(ms);
    this.t += ms;
    // A real timer resolves in a later turn of the event loop; so does this one.
    await new Promise((resolve) => setImmediate(resolve));
  };
}

/**
 * An in-memory live API for one session, behaving like functions/live-api: readings after a cursor in pages,
 * and a long-poll that answers as soon as something changes. "offline" makes every request fail the way a
 * dropped network does, including a long-poll already waiting.
 */
export class FakeLiveApi implements LiveApiClient {
  status: SessionStatus;
  expiresAt: number | null = null;
  /** The broadcaster's shared alerts, served with the session while it is viewable; undefined: not shared. */
  alerts: SessionAlerts | undefined = undefined;
  /** The broadcaster's display name and max HR, served with the session while it is viewable; maxHr undefined: a server without it. */
  name: string | null = null;
  maxHr: number | null | undefined = undefined;
  readonly readings: PublicReading[] = [];
  readonly requests: { kind: 'session' | 'readings'; after?: string; waitMs?: number; alertsTag?: string }[] = [];
  private offline = false;
  private readonly waiting = new Set<() => void>();

  constructor(
    private readonly clock: FakeClock,
    status: SessionStatus = 'live',
  ) {
    this.status = status;
  }

  /** Readings as the stream delivers them, received now; the first one makes an unknown session live. */
  send(...bpms: number[]): void {
    for (const bpm of bpms) this.readings.push({ seq: this.readings.length, t: this.clock.now(), bpm });
    if (this.status === 'unknown' || this.status === 'stale') this.status = 'live';
    this.wake();
  }

  /** One reading carrying RR intervals (ms), as a chest strap's does. */
  sendWithRr(bpm: number, rr: number[]): void {
    this.readings.push({ seq: this.readings.length, t: this.clock.now(), bpm, rr });
    if (this.status === 'unknown' || this.status === 'stale') this.status = 'live';
    this.wake();
  }

  /** Shared alerts change: served with the next answer, and a waiting long-poll that holds their tag answers. */
  setAlerts(alerts: SessionAlerts | undefined): void {
    this.alerts = alerts;
    this.wake();
  }

  /** A reading the stream delivers a second time (delivery is at least once). */
  resend(index: number): void {
    const reading = this.readings[index];
    if (reading) this.readings.push(reading);
    this.wake();
  }

  setStatus(status: SessionStatus): void {
    this.status = status;
    this.wake();
  }

  setOffline(offline: boolean): void {
    this.offline = offline;
    this.wake();
  }

  /**
   * When true, a session answer applies the server's time rules as of the clock (stale 3 s after the newest reading,
   * expired at expiresAt), as functions/live-api does; otherwise the status is whatever the test set.
   */
  timeRules = false;

  async getSession(viewId: string): Promise<SessionBody> {
    this.requests.push({ kind: 'session' });
    this.failIfOffline();
    if (this.timeRules) this.applyTimeRules();
    const bpms = this.readings.map((r) => r.bpm);
    const viewable = !['revoked', 'expired', 'unknown'].includes(this.status);
    return viewable
      ? {
          viewId,
          status: this.status,
          serverTime: this.clock.now(),
          count: new Set(this.readings.map((r) => r.seq)).size,
          min: bpms.length ? Math.min(...bpms) : null,
          max: bpms.length ? Math.max(...bpms) : null,
          avg: bpms.length ? bpms.reduce((a, b) => a + b, 0) / bpms.length : null,
          lastReceivedAt: this.readings.at(-1)?.t ?? null,
          expiresAt: this.expiresAt,
          lastSeq: this.readings.at(-1)?.seq ?? null,
          lastBpm: this.readings.at(-1)?.bpm ?? null,
          cursor: String(this.readings.length),
          name: this.name,
          ...(this.alerts ? { alerts: this.alerts } : {}),
          ...(this.maxHr === undefined ? {} : { maxHr: this.maxHr }),
          alertsTag: alertsTagOf(this.alerts),
        }
      : { viewId, status: this.status, serverTime: this.clock.now() };
  }

  async getReadings(
    viewId: string,
    after: string,
    opts: { limit: number; waitMs: number; alertsTag?: string; signal?: AbortSignal },
  ): Promise<ReadingsBody> {
    this.requests.push({ kind: 'readings', after, waitMs: opts.waitMs, ...(opts.alertsTag === undefined ? {} : { alertsTag: opts.alertsTag }) });
    this.failIfOffline();
    const from = Number(after);
    const viewable = !['revoked', 'expired'].includes(this.status);
    const known = (): boolean => opts.alertsTag === undefined || opts.alertsTag === alertsTagOf(this.servedAlerts());
    if (viewable && from >= this.readings.length && opts.waitMs > 0 && known()) {
      const statusBefore = this.status;
      await this.waitForChange(opts.signal);
      this.failIfOffline();
      if (this.status === statusBefore && from >= this.readings.length && known()) return this.getReadings(viewId, after, opts);
    }
    const page = viewable ? this.readings.slice(from, from + opts.limit) : [];
    // A cursor beyond the end stands at the end, as the OpenSearch store answers one a pushed event ran ahead with.
    const next = Math.min(from, this.readings.length) + page.length;
    const alerts = this.servedAlerts();
    return {
      viewId,
      status: this.status,
      serverTime: this.clock.now(),
      readings: page,
      next: String(next),
      more: viewable && next < this.readings.length,
      ...(alerts ? { alerts } : {}),
      alertsTag: alertsTagOf(alerts),
    };
  }

  private applyTimeRules(): void {
    const now = this.clock.now();
    const last = this.readings.at(-1)?.t;
    if (this.expiresAt !== null && this.expiresAt <= now && this.status !== 'revoked') this.status = 'expired';
    else if (this.status === 'live' && last !== undefined && now - last > STALE_AFTER_MS) this.status = 'stale';
  }

  private servedAlerts(): SessionAlerts | undefined {
    return ['revoked', 'expired', 'unknown'].includes(this.status) ? undefined : this.alerts;
  }

  private waitForChange(signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.waiting.delete(done);
        resolve();
      };
      this.waiting.add(done);
      signal?.addEventListener('abort', () => {
        this.waiting.delete(done);
        reject(new DOMException('The request was aborted.', 'AbortError'));
      });
    });
  }

  private wake(): void {
    for (const resolve of [...this.waiting]) resolve();
  }

  private failIfOffline(): void {
    if (this.offline) throw new LiveApiError('The network is unreachable.', null);
  }
}

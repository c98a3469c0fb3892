// One viewer of the scale benchmark (tests/bench/scale.ts), in either transport, and what it counts. A long-poll
// viewer follows a session as the app's viewer page does (src/lib/viewer/viewer-controller.ts: the session, then
// readings after its cursor with the same page size and wait, the session again after each answer that brought
// readings, the same backoff on failures); a push viewer opens the embedded event stream from its cursor and, when
// an event does not start at its cursor, fetches the gap from the live API first (docs/live-api.md).
import { get, type Agent } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { fullJitterDelay } from '../../src/core/backoff.ts';
import type { PublicReading, ReadingsBody, SessionBody } from '../../src/core/live-api-types.ts';
import type { LiveEvent } from '../../src/core/live-events.ts';
import { MIN_POLL_MS, PAGE_LIMIT, RETRY_BACKOFF, WAIT_MS } from '../../src/lib/viewer/viewer-controller.ts';
import { LatencyHistogram } from './latency-histogram.ts';
import { openEventStream } from './sse-client.ts';

export type Transport = 'push' | 'long-poll';

/** Trouble, counted for the whole process. */
export interface ViewerErrors {
  /** Answers other than 200, by status. */
  httpStatus: Record<string, number>;
  /** Requests that got no answer (refused, reset, timed out). */
  network: number;
  /** Event streams that ended or failed without the viewer closing them. */
  droppedStreams: number;
  reconnects: number;
  /** Data blocks on an event stream that were not valid events. */
  malformedEvents: number;
}

/** What the viewers of one process share: the agent, where to count, the stop signal. */
export interface ViewerContext {
  apiUrl: string;
  agent: Agent;
  signal: AbortSignal;
  errors: ViewerErrors;
  /** Put → first delivery of each reading to each viewer (the reading's t is its put time). */
  latency: LatencyHistogram;
  /** Push: events whose `from` was not the viewer's cursor, each answered by a fetch from the live API. */
  gapFetches: { count: number };
  /** Live API requests made (event streams not included): what long-polling costs the server. */
  requests: { count: number };
  /** A condition that makes the run meaningless (no event stream on this server): stops the benchmark. */
  fatal(message: string): void;
}

/** Which seqs a viewer has had, and how often: seqs are 0, 1, 2… so a byte per seq does. */
export class SeqTally {
  private seen = new Uint8Array(1024);
  duplicates = 0;

  /** True the first time a seq is seen. */
  add(seq: number): boolean {
    if (seq >= this.seen.length) {
      const grown = new Uint8Array(Math.max(seq + 1, this.seen.length * 2));
      grown.set(this.seen);
      this.seen = grown;
    }
    if (this.seen[seq] === 1) {
      this.duplicates++;
      return false;
    }
    this.seen[seq] = 1;
    return true;
  }

  /** How many of the seqs 0 … upTo−1 were seen. */
  countBelow(upTo: number): number {
    let n = 0;
    for (let seq = 0; seq < Math.min(upTo, this.seen.length); seq++) n += this.seen[seq] ?? 0;
    return n;
  }

  /** Seqs seen at or past upTo: readings nobody acknowledged putting. */
  countFrom(upTo: number): number {
    let n = 0;
    for (let seq = upTo; seq < this.seen.length; seq++) n += this.seen[seq] ?? 0;
    return n;
  }
}

export class Viewer {
  readonly tally = new SeqTally();
  private cursor = '0';
  private markReady: () => void = () => {};
  /** Resolves once the viewer follows: its first session answer (long-poll) or its stream open (push). */
  readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    readonly viewId: string,
    private readonly ctx: ViewerContext,
  ) {}

  /** Follows until the context's signal aborts. */
  async follow(transport: Transport): Promise<void> {
    let failures = 0;
    while (!this.ctx.signal.aborted) {
      const healthy = transport === 'push' ? await this.streamOnce() : await this.pollOnce();
      if (this.ctx.signal.aborted) return;
      failures = healthy ? 0 : failures + 1;
      if (failures > 0) await this.pause(fullJitterDelay(failures - 1, RETRY_BACKOFF));
      if (transport === 'push') this.ctx.errors.reconnects++;
    }
  }

  /** One round of the app's follow loop: the session, then readings until an answer brings some. */
  private async pollOnce(): Promise<boolean> {
    try {
      const session = (await this.getJson(`/sessions/${this.viewId}`)) as SessionBody;
      this.markReady();
      let status = session.status;
      let alertsTag = session.alertsTag;
      for (;;) {
        const asked = Date.now();
        const query = new URLSearchParams({ after: this.cursor, limit: String(PAGE_LIMIT), wait: String(WAIT_MS) });
        if (alertsTag !== undefined) query.set('alertsTag', alertsTag);
        const page = (await this.getJson(`/sessions/${this.viewId}/readings?${query}`)) as ReadingsBody;
        this.receive(page.readings);
        this.cursor = page.next;
        alertsTag = page.alertsTag;
        if (page.more) continue;
        if (page.readings.length > 0 || page.status !== status) return true;
        status = page.status;
        const elapsed = Date.now() - asked;
        if (elapsed < MIN_POLL_MS) await this.pause(MIN_POLL_MS - elapsed);
        if (this.ctx.signal.aborted) return true;
      }
    } catch (error) {
      return this.failed(error);
    }
  }

  /** One event stream from the cursor, until it ends; false when it ended other than by the viewer closing it. */
  private async streamOnce(): Promise<boolean> {
    let applying = Promise.resolve(true);
    const stream = openEventStream(`${this.ctx.apiUrl}/events?view=${this.viewId}:${this.cursor}`, this.ctx.agent, {
      open: () => this.markReady(),
      // In order, one at a time: a gap fetch must finish before the next event is applied. A failed one closes the
      // stream, to be opened again from the cursor.
      event: (event) => {
        applying = applying.then(async (ok) => {
          const applied = ok && (await this.apply(event));
          if (!applied) stream.close();
          return applied;
        });
      },
      malformed: () => this.ctx.errors.malformedEvents++,
    });
    const close = (): void => stream.close();
    this.ctx.signal.addEventListener('abort', close, { once: true });
    const end = await stream.ended;
    this.ctx.signal.removeEventListener('abort', close);
    // A failed gap fetch closed the stream, and was counted where it failed.
    const applied = await applying;
    if (end.kind === 'closed') return applied;
    if (end.kind === 'refused') {
      this.count(end.status);
      if (end.status === 404) this.ctx.fatal('the server has no event stream at /api/events (run with LHR_SCALE_PUSH=0 for long-poll only)');
    } else this.ctx.errors.droppedStreams++;
    return false;
  }

  private async apply(event: LiveEvent): Promise<boolean> {
    if (event.type !== 'readings') return true;
    try {
      if (event.from !== this.cursor) await this.fetchGap();
      // Readings at positions from+1 … next; those at or below the cursor arrived with the gap.
      const had = Math.max(0, Number(this.cursor) - Number(event.from));
      this.receive(event.readings.slice(had));
      if (Number(event.next) > Number(this.cursor)) this.cursor = event.next;
      return true;
    } catch (error) {
      return this.failed(error);
    }
  }

  private async fetchGap(): Promise<void> {
    this.ctx.gapFetches.count++;
    for (;;) {
      const query = new URLSearchParams({ after: this.cursor, limit: String(PAGE_LIMIT) });
      const page = (await this.getJson(`/sessions/${this.viewId}/readings?${query}`)) as ReadingsBody;
      this.receive(page.readings);
      this.cursor = page.next;
      if (!page.more) return;
    }
  }

  private receive(readings: readonly PublicReading[]): void {
    const now = Date.now();
    for (const r of readings) if (this.tally.add(r.seq)) this.ctx.latency.record(now - r.t);
  }

  private failed(error: unknown): boolean {
    if (this.ctx.signal.aborted) return true;
    if (error instanceof HttpStatusError) this.count(error.status);
    else this.ctx.errors.network++;
    return false;
  }

  private count(status: number): void {
    this.ctx.errors.httpStatus[status] = (this.ctx.errors.httpStatus[status] ?? 0) + 1;
  }

  private async pause(ms: number): Promise<void> {
    await sleep(ms, undefined, { signal: this.ctx.signal }).catch(() => {});
  }

  private getJson(path: string): Promise<unknown> {
    this.ctx.requests.count++;
    return getJson(`${this.ctx.apiUrl}${path}`, this.ctx.agent, this.ctx.signal);
  }
}

class HttpStatusError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

function getJson(url: string, agent: Agent, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = get(url, { agent, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        if (response.statusCode !== 200) return reject(new HttpStatusError(response.statusCode ?? 0));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    });
    request.on('error', reject);
  });
}

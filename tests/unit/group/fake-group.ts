import type { ReadingsBody, SessionBody } from '../../../src/core/live-api-types.ts';
import type { LiveEvent } from '../../../src/core/live-events.ts';
import type { LiveApiClient } from '../../../src/lib/viewer/live-api-client.ts';
import type { PushChannel, PushHandlers, PushTarget } from '../../../src/lib/viewer/push-channel.ts';
import { FakeLiveApi, type FakeClock } from '../viewer/fake-live-api.ts';

/** Several sessions behind one live API, each a FakeLiveApi; counts how many requests are in flight at once. */
export class FakeGroupApi implements LiveApiClient {
  readonly sessions = new Map<string, FakeLiveApi>();
  readonly log: Array<{ viewId: string; kind: 'session' | 'readings'; waitMs?: number }> = [];
  inFlight = 0;
  maxInFlight = 0;

  constructor(
    private readonly clock: FakeClock,
    viewIds: readonly string[],
  ) {
    for (const viewId of viewIds) this.sessions.set(viewId, new FakeLiveApi(clock));
  }

  of(viewId: string): FakeLiveApi {
    const session = this.sessions.get(viewId);
    if (session === undefined) throw new Error(`no fake session ${viewId}`);
    return session;
  }

  getSession(viewId: string): Promise<SessionBody> {
    this.log.push({ viewId, kind: 'session' });
    return this.tracked(() => this.of(viewId).getSession(viewId));
  }

  getReadings(viewId: string, after: string, opts: { limit: number; waitMs: number }): Promise<ReadingsBody> {
    this.log.push({ viewId, kind: 'readings', waitMs: opts.waitMs });
    return this.tracked(() => this.of(viewId).getReadings(viewId, after, opts));
  }

  private async tracked<T>(call: () => Promise<T>): Promise<T> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      // An answer comes back in a later turn, as over a network.
      await new Promise((resolve) => setImmediate(resolve));
      return await call();
    } finally {
      this.inFlight--;
    }
  }
}

/** A push channel the test drives: it records what the page follows and delivers what the test sends. */
export class FakePushChannel implements PushChannel {
  readonly follows: Array<{ targets: readonly PushTarget[]; handlers: PushHandlers; closed: boolean }> = [];

  follow(targets: readonly PushTarget[], handlers: PushHandlers): { close(): void } {
    const entry = { targets, handlers, closed: false };
    this.follows.push(entry);
    return { close: () => (entry.closed = true) };
  }

  get current(): { targets: readonly PushTarget[]; handlers: PushHandlers; closed: boolean } {
    const entry = this.follows.at(-1);
    if (entry === undefined || entry.closed) throw new Error('nothing followed');
    return entry;
  }

  send(event: LiveEvent): void {
    this.current.handlers.event(event);
  }
}

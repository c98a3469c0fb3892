// How a page receives pushed events (src/core/live-events.ts), whatever carries them: the embedded stack's event
// stream (Server-Sent Events) or the AWS push channel. The page decides what to follow; the channel only delivers.
import type { LiveEvent } from '../../core/live-events.ts';

/** One session to follow, from a cursor (the live API's): events carry readings after it. */
export interface PushTarget {
  viewId: string;
  cursor: string;
}

/** connecting → open; failed when the channel gave up (the page falls back to long-poll and may try again later). */
export type PushState = 'connecting' | 'open' | 'failed';

export interface PushHandlers {
  event(event: LiveEvent): void;
  state(state: PushState): void;
}

export interface PushSubscription {
  close(): void;
}

export interface PushChannel {
  follow(targets: readonly PushTarget[], handlers: PushHandlers): PushSubscription;
  /**
   * True when the server pushes a session event when time alone changes a status (the embedded hub's timers: stale,
   * expired). Otherwise (AWS: nothing writes then) the page asks the live API itself at that moment.
   */
  readonly pushesTimeChanges?: boolean;
}

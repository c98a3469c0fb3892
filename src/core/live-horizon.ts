// How far from its arrival a reading may be dated and still enter the live store. The live view only ever
// shows recent readings, and the store files readings by day: without a horizon, one writer back-dating
// readings could make it create a partition (an OpenSearch index) for every day since 2020.

import { BOUNDS } from './record.ts';

export const LIVE_HORIZON = {
  // A phone that lost its connection uploads its backlog when it reconnects; a day covers an evening's
  // outage and the history still reaches the archive, which keeps every reading the stream accepted.
  maxAgeMs: 24 * 60 * 60 * 1000,
  // Phone clocks are set by hand: the same skew the record bounds tolerate.
  maxAheadMs: BOUNDS.maxClockSkewMs,
} as const;

/** Whether a reading dated `t` belongs in the live store, judged against the server's arrival time, never the device's. */
export function isWithinLiveHorizon(t: number, arrivedAt: number): boolean {
  return t >= arrivedAt - LIVE_HORIZON.maxAgeMs && t <= arrivedAt + LIVE_HORIZON.maxAheadMs;
}

/** `t` moved into the horizon around `arrivedAt` (widened by `slackMs` each side); a time inside is returned unchanged. */
export function clampToLiveHorizon(t: number, arrivedAt: number, slackMs = 0): number {
  const earliest = arrivedAt - LIVE_HORIZON.maxAgeMs - slackMs;
  const latest = arrivedAt + LIVE_HORIZON.maxAheadMs + slackMs;
  return Math.min(Math.max(t, earliest), latest);
}

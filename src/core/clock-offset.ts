// How far the device clock is from the server's, from request/answer pairs (docs/using.md "Clock"). A reading's
// `t` comes from the device clock, and the consumer drops a reading dated more than the allowed skew ahead of
// its arrival: a phone set ten minutes fast would lose every reading. The app corrects `t` by this offset.
//
// Each sample bounds the offset: the server read its clock somewhere between the moment the request left and
// the moment the answer came back (device time), so server − device lies in
//   [serverTime − receivedAt, serverTime + resolution − sentAt].
// An HTTP `Date` header has a resolution of one second (it is truncated to whole seconds), the live API's
// `serverTime` of one millisecond. Intersecting samples narrows the bound: the samples with the shortest
// round trips and the luckiest second boundaries decide, without having to pick them out.

export interface ClockSample {
  /** Device clock when the request was sent, epoch ms. */
  sentAt: number;
  /** Device clock when the answer arrived, epoch ms. */
  receivedAt: number;
  /** The server's clock in its answer, epoch ms, truncated to `resolutionMs`. */
  serverTime: number;
  /** 1000 for an HTTP Date header, 1 for a millisecond timestamp. */
  resolutionMs: number;
}

export interface ClockOffset {
  /** Best estimate of server − device, ms: the middle of the bound. */
  offsetMs: number;
  /** The bound the samples agree on. */
  lowMs: number;
  highMs: number;
  /** How many of the newest samples agreed on it. */
  samples: number;
}

// Enough to find a short round trip and a second boundary near one; few enough to follow a drifting clock.
export const CLOCK_SAMPLES_KEPT = 16;

/** The bound one sample puts on server − device, or null for a sample that cannot be right (the device clock jumped mid-request). */
export function offsetBoundOf(sample: ClockSample): { lowMs: number; highMs: number } | null {
  const { sentAt, receivedAt, serverTime, resolutionMs } = sample;
  if (![sentAt, receivedAt, serverTime, resolutionMs].every(Number.isFinite) || receivedAt < sentAt || resolutionMs < 0) return null;
  return { lowMs: serverTime - receivedAt, highMs: serverTime + resolutionMs - sentAt };
}

/** Adds a sample, newest last, keeping the newest `keep`; an impossible sample is left out. */
export function addClockSample(samples: readonly ClockSample[], sample: ClockSample, keep: number = CLOCK_SAMPLES_KEPT): ClockSample[] {
  if (offsetBoundOf(sample) === null) return samples.slice(-keep);
  return [...samples, sample].slice(-keep);
}

/**
 * Intersects the bounds from the newest sample back, stopping at the first that disagrees: a clock the person
 * set (or that synced) in between makes older samples wrong, and the newest ones win. Null without samples.
 */
export function estimateClockOffset(samples: readonly ClockSample[]): ClockOffset | null {
  let lowMs = -Infinity;
  let highMs = Infinity;
  let used = 0;
  for (let i = samples.length - 1; i >= 0; i--) {
    const bound = offsetBoundOf(samples[i] as ClockSample);
    if (bound === null) continue;
    const low = Math.max(lowMs, bound.lowMs);
    const high = Math.min(highMs, bound.highMs);
    if (low > high) break;
    lowMs = low;
    highMs = high;
    used++;
  }
  if (used === 0) return null;
  return { offsetMs: Math.round((lowMs + highMs) / 2), lowMs, highMs, samples: used };
}

/**
 * What to add to a device time to get server time: nothing while the device clock agrees with the server within
 * what can be measured (a correction by a coin toss inside the bound would only add noise), otherwise the estimate.
 */
export function clockCorrectionOf(estimate: ClockOffset | null): number {
  if (estimate === null || (estimate.lowMs <= 0 && estimate.highMs >= 0)) return 0;
  return estimate.offsetMs;
}

/** The `Date` header of an HTTP answer as epoch ms, or null when absent or unreadable. */
export function parseHttpDate(value: string | null | undefined): number | null {
  if (typeof value !== 'string' || value === '') return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

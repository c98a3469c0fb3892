// "Full jitter" exponential backoff: a uniformly random delay up to an exponentially growing ceiling.
// Spreading retries evenly keeps many clients that failed together from retrying together.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

// Bluetooth reconnects: the first retry soon (drops are often momentary), then no more than every 30 s
// to spare the sensor's and the phone's batteries.
export const RECONNECT_BACKOFF: BackoffOptions = { baseMs: 500, capMs: 30_000 };

// Stream uploads: readings are live, so retry quickly; the cap bounds load on a throttled stream.
export const UPLINK_BACKOFF: BackoffOptions = { baseMs: 200, capMs: 20_000 };

/** attempt counts from 0. random() must return a number in [0, 1). */
export function fullJitterDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  // 2 ** 1024 is Infinity and 0 * Infinity is NaN: capping the exponent keeps large attempts at capMs.
  const exponent = Math.min(Math.max(0, Math.floor(attempt) || 0), 1023);
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** exponent);
  return random() * ceiling;
}

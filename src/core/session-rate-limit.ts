// How many readings one session may put into the live store: a token bucket per session, refilled by the
// server's receive time (never the device's `t`, which the writer chooses). Anyone with guest credentials can
// PutRecords, so without a limit one write key could fill the live store as fast as a shard accepts records.
// Readings over the limit are dropped from the live store only: Firehose reads the stream itself, so they still
// reach S3 and the batch layer.

export interface SessionRateLimit {
  /** Tokens added per second of server time. */
  ratePerSecond: number;
  /** The most tokens a bucket holds; a new session starts full. */
  burst: number;
}

export const SESSION_RATE_LIMIT: SessionRateLimit = {
  // A strap or watch sends about one reading a second; twice that leaves room for a sensor that sends
  // several notifications a second (some straps do on a beat change) without ever limiting an honest one.
  ratePerSecond: 2,
  // A phone that lost its connection uploads its outbox when it is back: two hours at 1 Hz pass at once. Of a
  // longer backlog the live store keeps what the bucket admits as it arrives; all of it still reaches the archive.
  burst: 7200,
};

/** A session's bucket as the stores keep it: the level after the last token taken, and when that was. */
export interface TokenBucket {
  tokens: number;
  at: number;
}

/** The level at `now`: refilled since `at`, capped at the burst. A `now` before `at` (a backlog's arrival time) adds nothing. */
export function tokensAt(bucket: TokenBucket | null, now: number, limit: SessionRateLimit = SESSION_RATE_LIMIT): number {
  if (bucket === null) return limit.burst;
  const elapsedMs = Math.max(0, now - bucket.at);
  return Math.min(limit.burst, bucket.tokens + (elapsedMs * limit.ratePerSecond) / 1000);
}

/**
 * Takes one token at `now`: the bucket after it, or null when the session is over its limit (the bucket is
 * then unchanged: an admission refused costs nothing). Time never runs backwards in a bucket, so a record
 * that arrived before the last one admitted cannot refill it twice.
 */
export function takeToken(bucket: TokenBucket | null, now: number, limit: SessionRateLimit = SESSION_RATE_LIMIT): TokenBucket | null {
  const tokens = tokensAt(bucket, now, limit);
  if (tokens < 1) return null;
  return { tokens: tokens - 1, at: bucket === null ? now : Math.max(bucket.at, now) };
}

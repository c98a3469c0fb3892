import { STALE_AFTER_MS } from '../../src/core/liveness.ts';

/**
 * The server time a reading counts as received, for live/stale. Normally the consumer's clock: in AWS the
 * event source polls about once a second, and stamping arrival time would spend a third of the 3 s stale
 * budget before a viewer could even see the reading. But a backlog (a consumer that was down, a stream
 * replayed) must not make a session look live, so a record that reached the stream longer ago than the
 * stale threshold keeps its arrival time. The device's own `t` is never used: phone clocks are set by hand.
 */
export function receiveTimeOf(arrivalMs: number | undefined, nowMs: number, staleAfterMs: number = STALE_AFTER_MS): number {
  if (arrivalMs === undefined || !Number.isFinite(arrivalMs)) return nowMs;
  return nowMs - arrivalMs > staleAfterMs ? arrivalMs : nowMs;
}

import { DROP_REASONS } from '../../src/core/record.ts';

/**
 * Why the consumer dropped a record: the core's validation reasons, a valid reading dated outside the live
 * horizon of its arrival (src/core/live-horizon.ts; it still reaches the archive), a new reading over its
 * session's rate limit (src/core/session-rate-limit.ts; it too still reaches the archive), and a store
 * refusing it for good.
 */
export const CONSUMER_DROP_REASONS = [...DROP_REASONS, 'outside-horizon', 'rate-limited', 'store-rejected'] as const;

export type ConsumerDropReason = (typeof CONSUMER_DROP_REASONS)[number];

export type DropCounts = Record<ConsumerDropReason, number>;

export function createDropCounts(): DropCounts {
  return Object.fromEntries(CONSUMER_DROP_REASONS.map((reason) => [reason, 0])) as DropCounts;
}

/** Only the reasons that occurred, for a short log line. */
export function nonZeroCounts(counts: DropCounts): Partial<DropCounts> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

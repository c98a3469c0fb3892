import type { DropReason } from '../../src/core/record.ts';

/** Why the consumer dropped a record: the core's validation reasons, plus a store refusing it for good. */
export type ConsumerDropReason = DropReason | 'store-rejected';

export const CONSUMER_DROP_REASONS = [
  'oversize',
  'not-utf8',
  'not-json',
  'not-object',
  'unknown-version',
  'bad-key',
  'bad-seq',
  'bad-time',
  'bad-bpm',
  'bad-rr',
  'bad-contact',
  'bad-kj',
  'bad-control',
  'contact-gap',
  'store-rejected',
] as const satisfies readonly ConsumerDropReason[];

// Fails to compile when the core gains a reason this list lacks, so counts never silently miss one.
type Unlisted = Exclude<ConsumerDropReason, (typeof CONSUMER_DROP_REASONS)[number]>;
const everyReasonListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyReasonListed;

export type DropCounts = Record<ConsumerDropReason, number>;

export function createDropCounts(): DropCounts {
  return Object.fromEntries(CONSUMER_DROP_REASONS.map((reason) => [reason, 0])) as DropCounts;
}

/** Only the reasons that occurred, for a short log line. */
export function nonZeroCounts(counts: DropCounts): Partial<DropCounts> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

// Latencies of the scale benchmark counted in 1 ms buckets rather than kept one by one: 2,000 viewers over ten
// minutes are over a million deliveries, which a viewer process hands to the benchmark as a short list of
// (ms, count) pairs. Whole milliseconds are all the wall clock (Date.now) both ends read can tell apart.

/** Pairs of [whole ms, how many], as sent between processes; only buckets that were used. */
export type HistogramEntries = Array<[number, number]>;

export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private total = 0;

  get size(): number {
    return this.total;
  }

  /** A negative latency (a wall clock stepped back between put and delivery) counts as 0 rather than vanishing. */
  record(ms: number): void {
    const bucket = Math.max(0, Math.round(ms));
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.total++;
  }

  add(entries: HistogramEntries): void {
    for (const [ms, count] of entries) {
      this.counts.set(ms, (this.counts.get(ms) ?? 0) + count);
      this.total += count;
    }
  }

  entries(): HistogramEntries {
    return [...this.counts.entries()];
  }

  /** The sample at rank floor(q·n) of the sorted samples (as the other benchmarks take it); NaN when empty. */
  percentile(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.min(this.total - 1, Math.floor(q * this.total));
    let below = 0;
    for (const ms of [...this.counts.keys()].sort((a, b) => a - b)) {
      below += this.counts.get(ms) ?? 0;
      if (below > rank) return ms;
    }
    return Number.NaN;
  }

  max(): number {
    return this.total === 0 ? Number.NaN : Math.max(...this.counts.keys());
  }
}

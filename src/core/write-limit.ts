// The public write path's flood defence (docs/architecture.md, "The stream proxy on the app's origin"): token
// buckets in records and bytes, one per client address and one for all of them together. Pure: the caller
// passes the clock, so the same rule is tested without waiting and runs wherever the write path is.

/** A token bucket's shape: what it refills per second, and the most it holds (what one client may send at once). */
export interface Rate {
  perSecond: number;
  burst: number;
}

/** What a write costs, and what each limit is counted in: Kinesis counts both. */
export interface WriteCost {
  records: number;
  bytes: number;
}

export interface WriteLimits {
  /** Each client address's own allowance. */
  client: { records: Rate; bytes: Rate };
  /**
   * The part of a client's allowance that keeps its place under a flood: a client that sends no faster than
   * this may use the global reserve below, which a client spending its burst may not.
   */
  share: { records: Rate; bytes: Rate };
  /** All clients together, per shard of the stream. */
  perShard: { records: Rate; bytes: Rate };
  /** Share of the global burst only clients within their share may take. */
  reserveFraction: number;
  /** Client addresses tracked at once; past it the least recently seen one is forgotten. */
  maxClients: number;
}

const KIB = 1024;
const MIB = 1024 * KIB;

export const WRITE_LIMITS: WriteLimits = {
  client: {
    // A broadcaster sends about one reading a second; 50/s leaves room for several behind one address (a
    // family's NAT, a phone and a laptop) and for the app's retries, and is far below what one shard takes.
    // The burst is an outbox's backlog flush in batches of 500: 10,000 readings are almost 3 h offline of one
    // broadcaster, or an hour of a few.
    records: { perSecond: 50, burst: 10_000 },
    // In request-body bytes (base64 and JSON included): a record is at most 1 KiB, about 1.5 KiB in the body;
    // a reading is usually a quarter of that. The burst holds the largest body the proxy reads (5 MiB) twice.
    bytes: { perSecond: 100 * KIB, burst: 10 * MIB },
  },
  share: {
    // The same steady rate; one full batch of 500, so a client back under its rate regains its place at once.
    records: { perSecond: 50, burst: 500 },
    bytes: { perSecond: 100 * KIB, burst: 750 * KIB },
  },
  perShard: {
    // Kinesis's own per-shard write limit: what AWS would accept from everyone together, per second.
    records: { perSecond: 1_000, burst: 1_000 },
    bytes: { perSecond: MIB, burst: MIB },
  },
  // A flooding client (past its share) may bring the global buckets down to a quarter, never lower, so a
  // broadcaster at one reading a second always finds room while the flood keeps them near that level.
  reserveFraction: 0.25,
  // Each tracked client is a few numbers; 10,000 of them is a few MB. A client whose buckets are full again is
  // no different from a new one and is forgotten first.
  maxClients: 10_000,
};

/** A token bucket; `now` is in ms from any fixed origin (monotonic). */
class TokenBucket {
  private level: number;

  constructor(
    private readonly rate: Rate,
    private updatedAt: number,
  ) {
    this.level = rate.burst;
  }

  refill(now: number): number {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.level = Math.min(this.rate.burst, this.level + (elapsed * this.rate.perSecond) / 1000);
    this.updatedAt = now;
    return this.level;
  }

  /**
   * Whether `amount` may be taken leaving `keep` behind. A cost larger than the whole burst passes once the
   * bucket is full and leaves it in debt, so a large request is slowed, never refused for ever.
   */
  allows(amount: number, now: number, keep = 0): boolean {
    return this.refill(now) >= Math.min(amount + keep, this.rate.burst);
  }

  take(amount: number): void {
    this.level -= amount;
  }

  isFull(now: number): boolean {
    return this.refill(now) >= this.rate.burst;
  }
}

class BucketPair {
  readonly records: TokenBucket;
  readonly bytes: TokenBucket;

  constructor(rates: { records: Rate; bytes: Rate }, now: number) {
    this.records = new TokenBucket(rates.records, now);
    this.bytes = new TokenBucket(rates.bytes, now);
  }

  allows(cost: WriteCost, now: number, keep: WriteCost = { records: 0, bytes: 0 }): boolean {
    return this.records.allows(cost.records, now, keep.records) && this.bytes.allows(cost.bytes, now, keep.bytes);
  }

  take(cost: WriteCost): void {
    this.records.take(cost.records);
    this.bytes.take(cost.bytes);
  }

  isFull(now: number): boolean {
    return this.records.isFull(now) && this.bytes.isFull(now);
  }
}

interface Client {
  allowance: BucketPair;
  share: BucketPair;
}

export interface WriteLimiter {
  /**
   * Takes `cost` for `client` from its own buckets and the global ones, or nothing: false means refuse the
   * write as throttled. A caller that does not know the cost yet passes what it costs at least (one record,
   * the declared body length): if that is refused, the whole write would be.
   */
  admit(client: string, cost: WriteCost): boolean;
  /** Whether `client` could write `cost` now, taking nothing. */
  allows(client: string, cost: WriteCost): boolean;
  /** Client addresses tracked now. */
  trackedClients(): number;
}

/**
 * The rule: a write passes if its client's own buckets hold its cost and the global buckets (the per-shard
 * rate × `shardCount`) do too. A write within the client's share may empty the global buckets; one beyond it
 * (the client spending its burst) must leave the reserve in them. So a flooding client hits its own buckets, or the reserve, and a
 * client sending at a broadcaster's rate keeps being served; many addresses together are held by the global
 * rate, as one shard holds them in AWS.
 */
export function createWriteLimiter(shardCount: number, now: () => number, limits: WriteLimits = WRITE_LIMITS): WriteLimiter {
  const shards = Math.max(1, Math.floor(shardCount));
  const scaled = (rate: Rate): Rate => ({ perSecond: rate.perSecond * shards, burst: rate.burst * shards });
  const globalRates = { records: scaled(limits.perShard.records), bytes: scaled(limits.perShard.bytes) };
  const global = new BucketPair(globalRates, now());
  const reserve: WriteCost = {
    records: globalRates.records.burst * limits.reserveFraction,
    bytes: globalRates.bytes.burst * limits.reserveFraction,
  };
  // Insertion order is the order of last use: a client is moved to the end each time it writes.
  const clients = new Map<string, Client>();

  const lookUp = (address: string): Client | undefined => {
    const client = clients.get(address);
    if (client === undefined) return undefined;
    clients.delete(address);
    clients.set(address, client);
    return client;
  };

  const track = (address: string, at: number): Client => {
    const known = lookUp(address);
    if (known !== undefined) return known;
    if (clients.size >= limits.maxClients) forgetOne(at);
    const client = { allowance: new BucketPair(limits.client, at), share: new BucketPair(limits.share, at) };
    clients.set(address, client);
    return client;
  };

  // A client whose buckets have refilled is the same as an unknown one: forgetting it loses nothing. Only
  // when none of the least recently seen is idle does a client still spending its allowance go, and then the
  // global buckets still hold what all of them together send.
  const forgetOne = (at: number): void => {
    let checked = 0;
    for (const [address, client] of clients) {
      if (checked++ >= 64) break;
      if (client.allowance.isFull(at) && client.share.isFull(at)) {
        clients.delete(address);
        return;
      }
    }
    const oldest = clients.keys().next();
    if (oldest.done !== true) clients.delete(oldest.value);
  };

  // Which lane a write passes in, if any. Only a write within the share is taken from the share, so a client
  // that has spent its burst still has its steady rate in the first lane.
  const decide = (client: Client, cost: WriteCost, at: number): 'share' | 'burst' | undefined => {
    if (!client.allowance.allows(cost, at)) return undefined;
    if (client.share.allows(cost, at)) return global.allows(cost, at) ? 'share' : undefined;
    return global.allows(cost, at, reserve) ? 'burst' : undefined;
  };

  return {
    admit(address, cost) {
      const at = now();
      const client = track(address, at);
      const lane = decide(client, cost, at);
      if (lane === undefined) return false;
      client.allowance.take(cost);
      if (lane === 'share') client.share.take(cost);
      global.take(cost);
      return true;
    },
    allows(address, cost) {
      const at = now();
      // An unknown client has full buckets: it only needs the global ones, and tracking it can wait.
      const client = lookUp(address) ?? { allowance: new BucketPair(limits.client, at), share: new BucketPair(limits.share, at) };
      return decide(client, cost, at) !== undefined;
    },
    trackedClients: () => clients.size,
  };
}

// Puts items (readings and session control items) into the outbox in the order they came, before anything
// sends them. Everything queued goes in one transaction, so under a slow disk readings are batched, not lost;
// a failed write keeps the items in memory, in order, and tries again before anything newer is stored.
import type { AppendResult, Outbox, OutboxItem } from './outbox.ts';

export interface WriteQueueDeps {
  outbox: Pick<Outbox, 'append'>;
  /** The items are in the outbox (and out of the queue). */
  onStored: (items: readonly OutboxItem[], result: AppendResult) => void;
  /** A write failed; the items are still queued and are written again after `retryMs`, or with the next item. */
  onFailed: (error: unknown) => void;
  retryMs?: number;
}

// While writes fail and no new item comes to trigger another try.
const WRITE_RETRY_MS = 5_000;

export class WriteQueue {
  /** Items not yet stored, oldest first; normally empty between two IndexedDB writes. */
  private readonly queue: OutboxItem[] = [];
  /** Callers waiting for an item (a control item: start, expiry, end) to be stored. */
  private readonly waiters = new Map<OutboxItem, { resolve: () => void; reject: (error: unknown) => void }>();
  private writing: Promise<void> | null = null;
  private calledDuringWrite = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(private readonly deps: WriteQueueDeps) {}

  /** Items queued and not yet stored. */
  get length(): number {
    return this.queue.length;
  }

  /** Queues an item to be stored; its fate is reported through onStored / onFailed. */
  add(item: OutboxItem): void {
    this.queue.push(item);
    void this.write();
  }

  /**
   * Queues items and resolves once the last is stored. If storing fails, the items stay queued (and are
   * stored when writes work again) but the caller hears about the failure now instead of waiting.
   */
  addAndWait(...items: OutboxItem[]): Promise<void> {
    const last = items.at(-1);
    const stored = new Promise<void>((resolve, reject) => {
      if (last) this.waiters.set(last, { resolve, reject });
    });
    this.queue.push(...items);
    void this.write();
    return stored;
  }

  /** Writes what is queued now (e.g. once space was freed); joins the write under way, if any. */
  write(): Promise<void> {
    if (this.writing) {
      // The running loop takes this in if it is still going; if it has just failed, this is the next try.
      this.calledDuringWrite = true;
      return this.writing;
    }
    this.calledDuringWrite = false;
    this.writing = this.drain()
      .catch((error: unknown) => {
        console.error('uplink: storing readings stopped unexpectedly', error);
        return false;
      })
      .then((drained) => {
        this.writing = null;
        // An item queued after the loop's last look (or after a failed write) would otherwise wait for the
        // next reading or the retry timer; a failed write alone is not tried again at once.
        if ((drained || this.calledDuringWrite) && this.queue.length > 0 && !this.stopped) void this.write();
      });
    return this.writing;
  }

  /** Resolves once no write is running. */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.writing;
  }

  /** Resolves false when a write failed (the retry timer takes over), true when the queue was emptied. */
  private async drain(): Promise<boolean> {
    clearTimeout(this.retryTimer);
    while (this.queue.length > 0) {
      const items = this.queue.slice();
      let result: AppendResult;
      try {
        result = await this.deps.outbox.append(items);
      } catch (error) {
        this.deps.onFailed(error);
        this.settle(items, (waiter) => waiter.reject(error));
        if (!this.stopped) this.retryTimer = setTimeout(() => void this.write(), this.deps.retryMs ?? WRITE_RETRY_MS);
        return false;
      }
      this.queue.splice(0, items.length);
      this.settle(items, (waiter) => waiter.resolve());
      this.deps.onStored(items, result);
    }
    return true;
  }

  private settle(items: readonly OutboxItem[], how: (waiter: { resolve: () => void; reject: (error: unknown) => void }) => void): void {
    for (const item of items) {
      const waiter = this.waiters.get(item);
      if (!waiter) continue;
      this.waiters.delete(item);
      how(waiter);
    }
  }
}

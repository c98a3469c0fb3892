// Drains the outbox into the stream, oldest first, one batch at a time and one flusher at a time. Entries
// leave the outbox only once the stream acknowledged them; everything else is sent again after a backoff.
import { UPLINK_BACKOFF, fullJitterDelay, type BackoffOptions } from '../../core/backoff.ts';
import { PUT_RECORDS_LIMITS, type PutRecordsLimits } from '../../core/batching.ts';
import { classifyFailedEntries } from '../../core/uplink-rules.ts';
import type { LockRunner } from './flush-lock.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { toSendFailure, type PutOutcome, type RecordSender, type RetryReason } from './record-sender.ts';

export type FlushEvent =
  | { type: 'sending'; entries: number }
  /** `acked`: the identities of the entries the stream holds now (the uplink watches for its alerts record). */
  | { type: 'acked'; count: number; newestT: number; remaining: number; acked: ReadonlyArray<Pick<OutboxEntry, 'key' | 'seq'>> }
  /** `failed`: entries a partial failure turned down (0 when the whole request failed). */
  | { type: 'retrying'; reason: RetryReason; attempt: number; delayMs: number; failed: number }
  | { type: 'offline' }
  /** The outbox was empty at the last look. */
  | { type: 'drained' }
  /** Another tab holds the flush lock; it sends this tab's entries too (the outbox is shared). */
  | { type: 'other-tab' };

export interface FlusherDeps {
  outbox: Pick<Outbox, 'peekBatch' | 'removeAcknowledged'>;
  /** The stream client, loaded lazily; rejects with a SendFailure when config or SDK cannot be loaded. */
  getSender: () => Promise<RecordSender>;
  withLock: LockRunner;
  isOnline: () => boolean;
  delay: (ms: number) => Promise<void>;
  report: (event: FlushEvent) => void;
  random?: () => number;
  backoff?: BackoffOptions;
  limits?: PutRecordsLimits;
}

export class Flusher {
  private running = false;
  /** Something may have been added since the last look at the outbox. */
  private again = false;
  private stopped = false;
  /** Consecutive failures: the backoff exponent. */
  private attempt = 0;
  private wakeUp: (() => void) | null = null;
  private run: Promise<void> = Promise.resolve();

  constructor(private readonly deps: FlusherDeps) {}

  /** Sends whatever is in the outbox now. No timer: a live reading goes out as soon as it is stored. */
  kick(): void {
    if (this.stopped) return;
    this.again = true;
    if (this.running) return;
    this.running = true;
    this.run = this.deps
      .withLock(
        () => this.drain(),
        () => this.deps.report({ type: 'other-tab' }),
      )
      .catch((error: unknown) => {
        // drain() handles every expected failure itself; this is a bug, and the entries are still stored.
        console.error('uplink: flush stopped unexpectedly', error);
      })
      .finally(() => {
        this.running = false;
        if (this.again && !this.stopped && this.deps.isOnline()) this.kick();
      });
  }

  /** Back online: stop waiting out a backoff and send at once. */
  resume(): void {
    this.attempt = 0;
    this.wakeUp?.();
    this.kick();
  }

  /** Resolves once no flush is running in this tab. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.run.catch(() => {});
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.whenIdle();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      this.again = false;
      if (!this.deps.isOnline()) {
        // Nothing can succeed; the `online` event calls resume().
        this.deps.report({ type: 'offline' });
        return;
      }

      let batch: OutboxEntry[];
      try {
        batch = await this.deps.outbox.peekBatch(this.deps.limits ?? PUT_RECORDS_LIMITS);
      } catch {
        await this.backOff('storage', 0);
        continue;
      }
      if (batch.length === 0) {
        this.attempt = 0;
        // A kick that came while the outbox was being read may have stored something that read did not see.
        if (this.again) continue;
        this.deps.report({ type: 'drained' });
        return;
      }

      // The read transaction above is finished: nothing of IndexedDB is held while the request is out.
      this.deps.report({ type: 'sending', entries: batch.length });
      let outcome: PutOutcome;
      try {
        const sender = await this.deps.getSender();
        outcome = await sender.put(batch);
      } catch (error) {
        if (!this.deps.isOnline()) continue;
        // The request failed as a whole: no entry was turned down by itself.
        await this.backOff(toSendFailure(error).reason, 0);
        continue;
      }

      if (outcome.acked.length > 0) {
        let remaining: number;
        try {
          remaining = await this.deps.outbox.removeAcknowledged(batch, outcome.acked);
        } catch {
          // The stream has them; they stay in the outbox and are sent again: a duplicate, not a loss.
          await this.backOff('storage', 0);
          continue;
        }
        const newestT = Math.max(...outcome.acked.map((entry) => entry.t));
        this.deps.report({ type: 'acked', count: outcome.acked.length, newestT, remaining, acked: outcome.acked });
      }
      if (outcome.failed.length > 0) {
        // The failed entries stay at the head of the outbox, so the next batch starts with them.
        await this.backOff(classifyFailedEntries(outcome.failed.map((f) => f.code)), outcome.failed.length);
        continue;
      }
      this.attempt = 0;
    }
  }

  private async backOff(reason: RetryReason, failed: number): Promise<void> {
    const delayMs = fullJitterDelay(this.attempt, this.deps.backoff ?? UPLINK_BACKOFF, this.deps.random);
    this.attempt += 1;
    this.deps.report({ type: 'retrying', reason, attempt: this.attempt, delayMs, failed });
    if (this.stopped) return;
    await Promise.race([this.deps.delay(delayMs), new Promise<void>((resolve) => (this.wakeUp = resolve))]);
    this.wakeUp = null;
  }
}

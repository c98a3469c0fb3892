// The durable uplink: readings → outbox (IndexedDB) → stream. It owns the broadcast session (write key and
// seq, kept in the outbox database), writes each reading before anything sends it, runs the flusher, watches
// storage, and reports one status snapshot that the UI state mirrors.
import { isStorageShort, storageHeadroomHours, type StorageEstimateLike } from '../../core/uplink-rules.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import type { LockRunner } from './flush-lock.ts';
import { Flusher, type FlushEvent } from './flusher.ts';
import type { Outbox, OutboxItem, StoredSession } from './outbox.ts';
import type { RecordSender, RetryReason } from './record-sender.ts';

export type UplinkPhase = 'starting' | 'idle' | 'sending' | 'offline' | 'retrying' | 'other-tab';

export interface UplinkStatus {
  phase: UplinkPhase;
  /** Set while phase is 'retrying'. */
  retry: { reason: RetryReason; attempt: number; failed: number } | null;
  /** Readings (and control records) not yet acknowledged by the stream: in the outbox or held in memory. */
  waiting: number;
  /** Of those, held only in memory because storing them failed: lost if the tab closes. */
  unsaved: number;
  /** When the stream last acknowledged readings, and the time of the newest reading it acknowledged then. */
  lastAck: { at: number; readingAt: number } | null;
  session: { viewId: string; startedAt: number; exp: number | null } | null;
  /** Whether readings are being broadcast; off after the person stops, until they start again. */
  broadcasting: boolean;
  storage: StorageStatus;
}

export interface StorageStatus {
  /** null until known; false when the browser may evict the outbox under storage pressure. */
  persisted: boolean | null;
  /** Hours of readings that still fit, when the browser says. */
  headroomHours: number | null;
  short: boolean;
  /** The last failed outbox write (e.g. QuotaExceededError), until a write succeeds again. */
  writeError: string | null;
}

export interface StorageManagerLike {
  persisted(): Promise<boolean>;
  persist(): Promise<boolean>;
  estimate(): Promise<StorageEstimateLike>;
}

export interface UplinkDeps {
  outbox: Pick<Outbox, 'append' | 'peekBatch' | 'removeAcknowledged' | 'count' | 'activeSession' | 'close'>;
  getSender: () => Promise<RecordSender>;
  withLock: LockRunner;
  isOnline: () => boolean;
  delay: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  storage?: StorageManagerLike | null;
  /** Remembers across reloads whether the person stopped broadcasting (on by default). */
  broadcastSetting?: { read(): boolean; write(on: boolean): void };
}

// Storage is checked again after this many stored readings (about 10 minutes of a session).
const STORAGE_CHECK_EVERY = 600;
// While writes fail and no new reading comes to trigger another try.
const WRITE_RETRY_MS = 5_000;

export class Uplink {
  private status: UplinkStatus;
  private readonly listeners = new Set<(status: UplinkStatus) => void>();
  private readonly flusher: Flusher;
  /** Items not yet stored, oldest first; normally empty between two IndexedDB writes. */
  private readonly queue: OutboxItem[] = [];
  /** Callers waiting for a control item (start, expiry, end) to be stored. */
  private readonly stored = new Map<OutboxItem, { resolve: () => void; reject: (error: unknown) => void }>();
  private writing: Promise<void> | null = null;
  private writeRetry: ReturnType<typeof setTimeout> | undefined;
  private inOutbox = 0;
  private storedSinceCheck = 0;
  private persistAsked = false;
  private stopped = false;

  constructor(private readonly deps: UplinkDeps) {
    this.status = {
      phase: 'starting',
      retry: null,
      waiting: 0,
      unsaved: 0,
      lastAck: null,
      session: null,
      broadcasting: deps.broadcastSetting?.read() ?? true,
      storage: { persisted: null, headroomHours: null, short: false, writeError: null },
    };
    this.flusher = new Flusher({
      outbox: deps.outbox,
      getSender: deps.getSender,
      withLock: deps.withLock,
      isOnline: deps.isOnline,
      delay: deps.delay,
      random: deps.random,
      report: (event) => this.onFlushEvent(event),
    });
  }

  get snapshot(): UplinkStatus {
    return this.status;
  }

  subscribe(listener: (status: UplinkStatus) => void): () => void {
    this.listeners.add(listener);
    listener(this.status);
    return () => this.listeners.delete(listener);
  }

  /** Picks up whatever a previous page left in the outbox and sends it. */
  async start(): Promise<void> {
    try {
      const [count, session] = await Promise.all([this.deps.outbox.count(), this.deps.outbox.activeSession()]);
      this.inOutbox = count;
      this.update({ waiting: this.waitingCount(), session: publicSession(session) });
    } catch (error) {
      this.update({ storage: { ...this.status.storage, writeError: describeStorageError(error) } });
    }
    this.update({ phase: this.deps.isOnline() ? 'idle' : 'offline' });
    this.flusher.kick();
    // Loads config.json and the SDK now, so a connection lost before the first reading does not strand them.
    this.deps.getSender().catch(() => {});
    await this.checkStorage(false);
  }

  /** Stores the reading in the outbox, then sends it. Never throws; a failed write is reported and retried. */
  record(reading: TimedReading): void {
    // Not broadcasting is the person's choice: the reading is shown on this device and not sent anywhere.
    if (this.stopped || !this.status.broadcasting) return;
    this.queue.push({ kind: 'reading', reading });
    this.update({ waiting: this.waitingCount() });
    void this.write();
  }

  /**
   * Ends the active broadcast session: its end control record goes through the outbox like a reading, and
   * the next reading starts a new session with a new key. Resolves once the end record is stored.
   */
  endSession(): Promise<void> {
    this.setBroadcasting(false);
    return this.store({ kind: 'end', at: this.deps.now() });
  }

  /** Starts broadcasting with a new session (key and link) now, before the first reading. */
  startSession(): Promise<void> {
    this.setBroadcasting(true);
    return this.store({ kind: 'start', at: this.deps.now() });
  }

  /** Sets when the share link stops working; a time not after now revokes it at once. */
  setLinkExpiry(exp: number): Promise<void> {
    return this.store({ kind: 'expiry', at: this.deps.now(), exp });
  }

  /** Ends the session and starts a new one (a new link) with no gap in which readings are not broadcast. */
  rotateSession(): Promise<void> {
    this.setBroadcasting(true);
    const at = this.deps.now();
    return this.store({ kind: 'end', at }, { kind: 'start', at });
  }

  /**
   * Queues control items and resolves once the last is stored. If storing fails, the items stay queued (and
   * are stored when writes work again) but the caller hears about the failure now instead of waiting.
   */
  private store(...items: OutboxItem[]): Promise<void> {
    const last = items.at(-1);
    const stored = new Promise<void>((resolve, reject) => {
      if (last) this.stored.set(last, { resolve, reject });
    });
    this.queue.push(...items);
    void this.write();
    return stored;
  }

  private setBroadcasting(on: boolean): void {
    this.deps.broadcastSetting?.write(on);
    this.update({ broadcasting: on });
  }

  /** The `online` event: send at once. */
  wentOnline(): void {
    this.update({ phase: 'sending', retry: null });
    this.flusher.resume();
  }

  /** The `offline` event: the flusher pauses by itself; the person sees it now. */
  wentOffline(): void {
    this.update({ phase: 'offline', retry: null });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.writeRetry);
    await this.writing;
    await this.flusher.stop();
    await this.deps.outbox.close();
  }

  /** Resolves once nothing is being written or sent in this tab (tests). */
  async settled(): Promise<void> {
    while (this.writing) await this.writing;
    await this.flusher.whenIdle();
  }

  private write(): Promise<void> {
    this.writing ??= this.drainQueue().catch((error: unknown) => {
      console.error('uplink: storing readings stopped unexpectedly', error);
      return false;
    }).then((drained) => {
      this.writing = null;
      // An item queued after the loop's last look but before `writing` was cleared would otherwise wait for
      // the next reading (or forever, for an end or expiry record).
      if (drained && this.queue.length > 0 && !this.stopped) void this.write();
    });
    return this.writing;
  }

  /** Resolves false when a write failed (the retry timer takes over), true when the queue was emptied. */
  private async drainQueue(): Promise<boolean> {
    clearTimeout(this.writeRetry);
    while (this.queue.length > 0) {
      // Everything queued goes in one transaction: under a slow disk, readings are batched, not lost.
      const items = this.queue.slice();
      let result;
      try {
        result = await this.deps.outbox.append(items);
      } catch (error) {
        // Kept in memory, in order, and written before anything newer; the person is told.
        this.update({ waiting: this.waitingCount(), unsaved: this.queue.length, storage: { ...this.status.storage, writeError: describeStorageError(error) } });
        for (const item of items) {
          this.stored.get(item)?.reject(error);
          this.stored.delete(item);
        }
        if (!this.stopped) this.writeRetry = setTimeout(() => void this.write(), WRITE_RETRY_MS);
        void this.checkStorage(false);
        return false;
      }
      this.queue.splice(0, items.length);
      for (const item of items) {
        this.stored.get(item)?.resolve();
        this.stored.delete(item);
      }
      this.inOutbox = result.waiting;
      this.update({
        waiting: this.waitingCount(),
        unsaved: this.queue.length,
        session: publicSession(result.session),
        storage: { ...this.status.storage, writeError: null },
      });
      this.flusher.kick();

      const readings = items.filter((item) => item.kind === 'reading').length;
      this.storedSinceCheck += readings;
      if (readings > 0 && (!this.persistAsked || this.storedSinceCheck >= STORAGE_CHECK_EVERY)) {
        this.storedSinceCheck = 0;
        void this.checkStorage(true);
      }
    }
    return true;
  }

  private onFlushEvent(event: FlushEvent): void {
    switch (event.type) {
      case 'sending':
        if (this.status.phase !== 'retrying') this.update({ phase: 'sending' });
        return;
      case 'acked':
        this.inOutbox = event.remaining;
        // A retry that got through is no longer a retry; a partial failure reports 'retrying' right after.
        this.update({
          phase: 'sending',
          retry: null,
          waiting: this.waitingCount(),
          lastAck: { at: this.deps.now(), readingAt: Math.max(event.newestT, this.status.lastAck?.readingAt ?? 0) },
        });
        // Space was freed: readings held in memory may fit now.
        if (this.queue.length > 0) void this.write();
        return;
      case 'retrying':
        this.update({ phase: 'retrying', retry: { reason: event.reason, attempt: event.attempt, failed: event.failed } });
        return;
      case 'offline':
        this.update({ phase: 'offline', retry: null });
        return;
      case 'drained':
        this.inOutbox = 0;
        this.update({ phase: 'idle', retry: null, waiting: this.waitingCount() });
        return;
      case 'other-tab':
        this.update({ phase: 'other-tab' });
        return;
    }
  }

  private async checkStorage(askPersist: boolean): Promise<void> {
    const storage = this.deps.storage;
    if (!storage) return;
    try {
      let persisted = await storage.persisted();
      if (!persisted && askPersist && !this.persistAsked) {
        // Asked once a session has readings, not at page load: that is when eviction would cost something.
        this.persistAsked = true;
        persisted = await storage.persist();
      }
      const estimate = await storage.estimate();
      this.update({
        storage: { ...this.status.storage, persisted, headroomHours: storageHeadroomHours(estimate), short: isStorageShort(estimate) },
      });
    } catch {
      // No storage manager answer is not itself a problem; write failures are reported where they happen.
    }
  }

  private waitingCount(): number {
    return this.inOutbox + this.queue.length;
  }

  private update(change: Partial<UplinkStatus>): void {
    this.status = { ...this.status, ...change };
    for (const listener of this.listeners) listener(this.status);
  }
}

function publicSession(session: StoredSession | null): UplinkStatus['session'] {
  return session ? { viewId: session.viewId, startedAt: session.startedAt, exp: session.exp ?? null } : null;
}

function describeStorageError(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') return 'This device is out of storage space for waiting readings.';
  return `Readings could not be saved on this device (${typeof name === 'string' ? name : 'unknown error'}).`;
}

// The durable uplink: readings → outbox (IndexedDB) → stream. It owns the broadcast session (write key and
// seq, kept in the outbox database) and composes the parts that do the work: the write queue stores each
// reading before anything sends it, the flusher sends, the storage watch looks at the browser's storage,
// and one status store holds the snapshot that the UI state mirrors.
import type { SharedAlerts } from '../../core/record.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import type { LockRunner } from './flush-lock.ts';
import { Flusher, type FlushEvent } from './flusher.ts';
import type { AppendResult, BroadcastProfile, Outbox, OutboxItem } from './outbox.ts';
import type { RecordSender } from './record-sender.ts';
import { StatusStore } from './status-store.ts';
import { StorageWatch, type StorageManagerLike } from './storage-watch.ts';
import { describeStorageError, flushEventEffect, initialUplinkStatus, publicSession, type UplinkStatus } from './uplink-status.ts';
import { WriteQueue } from './write-queue.ts';

export interface UplinkDeps {
  outbox: Pick<Outbox, 'append' | 'peekBatch' | 'removeAcknowledged' | 'count' | 'activeSession' | 'close'>;
  getSender: () => Promise<RecordSender>;
  withLock: LockRunner;
  isOnline: () => boolean;
  delay: (ms: number) => Promise<void>;
  now: () => number;
  random?: () => number;
  storage?: StorageManagerLike | null;
  /**
   * Turns a reading's device time into server time, so a phone clock set wrong does not get readings dropped as
   * dated in the future (src/lib/uplink/server-clock.ts). Absent: device time as is.
   */
  serverClock?: { toServerTime(deviceMs: number): number };
  /** Remembers across reloads whether the person stopped broadcasting (on by default). */
  broadcastSetting?: { read(): boolean; write(on: boolean): void };
}

export class Uplink {
  private readonly status: StatusStore<UplinkStatus>;
  private readonly writes: WriteQueue;
  private readonly flusher: Flusher;
  private readonly storageWatch: StorageWatch;
  /** Entries in the outbox, as last counted; `waiting` adds the items still queued for writing. */
  private inOutbox = 0;
  private stopped = false;
  /** The alert rules viewers are to see, sent with every session until replaced. */
  private alerts: SharedAlerts | null = null;
  /** The session key the latest alerts are queued for, the queued item, and the stored record's identity. */
  private alertsKey: string | null = null;
  private alertsItem: OutboxItem | null = null;
  private alertsRecord: { key: string; seq: number } | null = null;
  /** The key of the session the next control item joins, as last stored (null: none active). */
  private activeKey: string | null = null;
  /** The display name and max HR viewers see, sent with every session until replaced, and the session they were sent to. */
  private profile: BroadcastProfile | null = null;
  private profileKey: string | null = null;

  constructor(private readonly deps: UplinkDeps) {
    this.status = new StatusStore(initialUplinkStatus(deps.broadcastSetting?.read() ?? true));
    this.storageWatch = new StorageWatch(deps.storage ?? null, (findings) => this.updateStorage(findings));
    this.writes = new WriteQueue({
      outbox: deps.outbox,
      onStored: (items, result) => {
        this.inOutbox = result.waiting;
        this.update({ unsaved: this.writes.length, session: publicSession(result.session), storage: { ...this.snapshot.storage, writeError: null } });
        this.alertsStored(result, items);
        this.profileStored();
        this.flusher.kick();
        this.storageWatch.readingsStored(items.filter((item) => item.kind === 'reading').length);
      },
      onFailed: (error) => {
        // Kept in memory, in order, and written before anything newer; the person is told.
        this.update({ unsaved: this.writes.length, storage: { ...this.snapshot.storage, writeError: describeStorageError(error) } });
        void this.storageWatch.check(false);
      },
    });
    this.flusher = new Flusher({
      outbox: deps.outbox,
      getSender: deps.getSender,
      withLock: deps.withLock,
      isOnline: deps.isOnline,
      delay: deps.delay,
      random: deps.random,
      report: (event) => {
        const effect = flushEventEffect(this.snapshot, event, this.writes.length, this.deps.now());
        if (effect.inOutbox !== undefined) this.inOutbox = effect.inOutbox;
        this.update(effect.change);
        this.alertsAcked(event);
        // Space was freed: readings held in memory may fit now.
        if (event.type === 'acked' && this.writes.length > 0) void this.writes.write();
      },
    });
  }

  get snapshot(): UplinkStatus {
    return this.status.snapshot;
  }

  subscribe(listener: (status: UplinkStatus) => void): () => void {
    return this.status.subscribe(listener);
  }

  /** Picks up whatever a previous page left in the outbox and sends it. */
  async start(): Promise<void> {
    try {
      const [count, session] = await Promise.all([this.deps.outbox.count(), this.deps.outbox.activeSession()]);
      this.inOutbox = count;
      this.update({ session: publicSession(session) });
      this.alertsStored({ session, alerts: null }, []);
      this.profileStored();
    } catch (error) {
      this.update({ storage: { ...this.snapshot.storage, writeError: describeStorageError(error) } });
    }
    this.update({ phase: this.deps.isOnline() ? 'idle' : 'offline' });
    this.flusher.kick();
    // Loads config.json and the SDK now, so a connection lost before the first reading does not strand them.
    this.deps.getSender().catch(() => {});
    await this.storageWatch.check(false);
  }

  /** Stores the reading in the outbox, then sends it. Never throws; a failed write is reported and retried. */
  record(reading: TimedReading): void {
    // Not broadcasting is the person's choice: the reading is shown on this device and not sent anywhere.
    if (this.stopped || !this.snapshot.broadcasting) return;
    // Corrected when stored, once: a reading already in the outbox keeps its t, so a resend stays byte-identical
    // and its identity never carries two times. Control items keep device time: only `exp - t` counts there.
    const t = this.deps.serverClock?.toServerTime(reading.receivedAt) ?? reading.receivedAt;
    this.writes.add({ kind: 'reading', reading: t === reading.receivedAt ? reading : { ...reading, receivedAt: t } });
    this.update({});
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

  /**
   * The alert rules viewers see (share false withdraws alerts from them), sent as a control record through the
   * outbox like any other, now if a session is active and again at the start of each new session. The status
   * says `sent` only once the stream acknowledged that record.
   */
  shareAlerts(alerts: SharedAlerts): void {
    this.alerts = alerts;
    this.alertsRecord = null;
    const key = this.activeKey;
    this.alertsKey = key;
    this.update({ alerts: { share: alerts.share, phase: key === null ? 'no-session' : 'waiting' } });
    if (key !== null) this.queueAlerts(alerts);
  }

  /**
   * The display name and max HR viewers see, sent as a control record through the outbox like the alert rules: now
   * if a session is active (and the profile changed), and again at the start of each new session.
   */
  setProfile(profile: BroadcastProfile): void {
    const same = this.profile !== null && this.profile.name === profile.name && this.profile.maxHr === profile.maxHr;
    this.profile = profile;
    if (same && this.profileKey === this.activeKey) return;
    this.profileKey = this.activeKey;
    if (this.activeKey !== null) this.writes.add({ kind: 'profile', at: this.deps.now(), profile });
  }

  /** Ends the session and starts a new one (a new link) with no gap in which readings are not broadcast. */
  rotateSession(): Promise<void> {
    this.setBroadcasting(true);
    const at = this.deps.now();
    return this.store({ kind: 'end', at }, { kind: 'start', at });
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
    await this.writes.stop();
    await this.flusher.stop();
    await this.deps.outbox.close();
  }

  /** Resolves once nothing is being written or sent in this tab (tests). */
  async settled(): Promise<void> {
    await this.writes.settled();
    await this.flusher.whenIdle();
  }

  private store(...items: OutboxItem[]): Promise<void> {
    const stored = this.writes.addAndWait(...items);
    this.update({});
    return stored;
  }

  private queueAlerts(alerts: SharedAlerts): void {
    this.alertsItem = { kind: 'alerts', at: this.deps.now(), alerts };
    this.writes.add(this.alertsItem);
  }

  private alertsStored(result: Pick<AppendResult, 'session' | 'alerts'>, items: readonly OutboxItem[]): void {
    this.activeKey = result.session?.key ?? null;
    // Only the record of the latest rules counts: an earlier one acknowledged says nothing about these. Items are
    // appended in order, so when the latest is among them the append's last alerts record is it.
    if (this.alertsItem !== null && items.includes(this.alertsItem) && result.alerts !== null) this.alertsRecord = result.alerts;
    if (this.alerts === null) return;
    if (this.activeKey === null) {
      if (this.alertsRecord === null) this.update({ alerts: { share: this.alerts.share, phase: 'no-session' } });
      return;
    }
    // A new session (a first reading, Start broadcast, New link) knows nothing of the rules: send them again.
    if (this.activeKey !== this.alertsKey) {
      this.alertsKey = this.activeKey;
      this.alertsRecord = null;
      this.update({ alerts: { share: this.alerts.share, phase: 'waiting' } });
      this.queueAlerts(this.alerts);
    }
  }

  /** A new session (a first reading, Start broadcast, New link) knows nothing of the profile: send it again. */
  private profileStored(): void {
    if (this.profile === null || this.activeKey === null || this.activeKey === this.profileKey) return;
    this.profileKey = this.activeKey;
    this.writes.add({ kind: 'profile', at: this.deps.now(), profile: this.profile });
  }

  private alertsAcked(event: FlushEvent): void {
    const record = this.alertsRecord;
    if (this.alerts === null || record === null || this.snapshot.alerts?.phase === 'sent') return;
    // 'drained' means the outbox is empty: whichever tab sent the record, the stream acknowledged it.
    const acked = event.type === 'drained' || (event.type === 'acked' && event.acked.some((e) => e.key === record.key && e.seq === record.seq));
    if (acked) this.update({ alerts: { share: this.alerts.share, phase: 'sent' } });
  }

  private setBroadcasting(on: boolean): void {
    this.deps.broadcastSetting?.write(on);
    this.update({ broadcasting: on });
  }

  private updateStorage(findings: Partial<UplinkStatus['storage']>): void {
    this.update({ storage: { ...this.snapshot.storage, ...findings } });
  }

  /** Every change also recounts what waits: the outbox's entries plus the items still queued for writing. */
  private update(change: Partial<UplinkStatus>): void {
    this.status.update({ waiting: this.inOutbox + this.writes.length, stored: this.inOutbox, ...change });
  }
}

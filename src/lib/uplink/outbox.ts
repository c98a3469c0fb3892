// The IndexedDB outbox: every reading is written here, under its session's write key and sequence number,
// before anything tries to send it, so a reload, a crash or a browser restart loses nothing. Each method is
// one short transaction; none of them waits on anything but IndexedDB, because a transaction left open
// across a network call would auto-commit half done (or hold the store locked for as long as the call).
import type { DBSchema } from 'idb';
import { IdbConnection } from '../idb-connection.ts';
import { PUT_RECORDS_LIMITS, countBatch, type PutRecordsLimits } from '../../core/batching.ts';
import { encodeRecord, type ControlRecord, type SharedAlerts, type WireRecord } from '../../core/record.ts';
import { createWriteKey, derivePartitionKey, deriveViewId } from '../../core/session-key.ts';
import { readingToUplinkRecord } from '../../core/uplink-rules.ts';
import { utf8ByteLength } from '../../core/utf8-length.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';

/** The schema, exported so a test or benchmark can seed the page's own database in the same format. */
export const OUTBOX_SCHEMA = {
  dbName: 'liveheartrate-uplink',
  version: 1,
  entryStore: 'outbox',
  metaStore: 'meta',
  sessionKey: 'session',
} as const;

/** A record waiting to be acknowledged by the stream. `data` is the exact line sent, so a resend is byte-identical. */
export interface OutboxEntry {
  /** Insertion order across sessions and tabs: batches go oldest first. */
  id: number;
  key: string;
  seq: number;
  /** Reading time (the record's t), for "last reading acknowledged". */
  t: number;
  data: string;
  /** derivePartitionKey(key), never the view id: a link holder must not be able to aim records at this shard. */
  partitionKey: string;
  /** data + partition key in UTF-8 bytes: what PutRecords' size limits count. */
  bytes: number;
}

export type NewOutboxEntry = Omit<OutboxEntry, 'id'>;

/** The broadcast session the next reading belongs to. It outlives reloads until it is ended. */
export interface StoredSession {
  key: string;
  viewId: string;
  /** Never goes down: the next seq is taken from here in the same transaction that stores the record. */
  nextSeq: number;
  startedAt: number;
  /** The share link's expiry as last set (epoch ms); absent when none was set. */
  exp?: number;
}

/** What viewers are told of the broadcaster: the display name ('' = none; src/core/display-name.ts) and max HR. */
export interface BroadcastProfile {
  name: string;
  maxHr: number;
}

/**
 * What the uplink stores: readings; `start` opens a session before its first reading (so its link can be
 * shared at once); `expiry` sends the link's expiry (exp ≤ now revokes it); `alerts` sends the session's alert
 * rules and whether viewers see them; `profile` sends the display name and max HR; `end` closes the session. A control item with no active session stores nothing.
 */
export type OutboxItem =
  | { kind: 'reading'; reading: TimedReading }
  | { kind: 'start'; at: number }
  | { kind: 'expiry'; at: number; exp: number }
  | { kind: 'alerts'; at: number; alerts: SharedAlerts }
  | { kind: 'profile'; at: number; profile: BroadcastProfile }
  | { kind: 'end'; at: number };

export interface AppendResult {
  /** The active session after the items, or null if the last item ended it. */
  session: StoredSession | null;
  /** Entries in the outbox after the append. */
  waiting: number;
  /** The identity of the last alerts record stored, if the items held one: the uplink watches for its acknowledgement. */
  alerts: { key: string; seq: number } | null;
}

interface UplinkDb extends DBSchema {
  outbox: { key: number; value: NewOutboxEntry & { id?: number } };
  meta: { key: string; value: StoredSession };
}

/**
 * Entries written by an older version keep the view id they were stored with as partition key; they are
 * sent as stored (byte-identical resends) and drain away.
 */
export function toOutboxEntry(record: WireRecord): NewOutboxEntry {
  const data = encodeRecord(record);
  const partitionKey = derivePartitionKey(record.key);
  return { key: record.key, seq: record.seq, t: record.t, data, partitionKey, bytes: utf8ByteLength(data) + utf8ByteLength(partitionKey) };
}

export class Outbox {
  private readonly connection: IdbConnection<UplinkDb>;

  constructor(
    dbName: string = OUTBOX_SCHEMA.dbName,
    private readonly newKey: () => string = createWriteKey,
  ) {
    this.connection = new IdbConnection<UplinkDb>(dbName, OUTBOX_SCHEMA.version, (db) => {
      db.createObjectStore(OUTBOX_SCHEMA.entryStore, { keyPath: 'id', autoIncrement: true });
      db.createObjectStore(OUTBOX_SCHEMA.metaStore);
    });
  }

  /**
   * Stores the items in order, in one transaction: a reading (or a start item) starts a session when none is
   * active and takes the session's next seq; an expiry item appends a control record with the link's expiry;
   * an end item appends the session's end control record and closes the session.
   * Either all items are stored or none is (e.g. QuotaExceededError), so seq numbers are never reused.
   */
  async append(items: readonly OutboxItem[]): Promise<AppendResult> {
    const db = await this.connection.open();
    const tx = db.transaction([OUTBOX_SCHEMA.entryStore, OUTBOX_SCHEMA.metaStore], 'readwrite');
    const entries = tx.objectStore(OUTBOX_SCHEMA.entryStore);
    const meta = tx.objectStore(OUTBOX_SCHEMA.metaStore);
    const requests: Array<Promise<unknown>> = [tx.done];
    try {
      let session: StoredSession | null = (await meta.get(OUTBOX_SCHEMA.sessionKey)) ?? null;
      let alerts: AppendResult['alerts'] = null;
      for (const item of items) {
        if (item.kind === 'reading') {
          const { reading, receivedAt } = item.reading;
          session ??= this.createSession(receivedAt);
          const record = readingToUplinkRecord(reading, session.key, session.nextSeq, receivedAt);
          session = { ...session, nextSeq: session.nextSeq + 1 };
          requests.push(entries.add(toOutboxEntry(record)));
        } else if (item.kind === 'start') {
          session ??= this.createSession(item.at);
        } else if (item.kind === 'expiry' && session) {
          const record: ControlRecord = { v: 1, key: session.key, seq: session.nextSeq, t: item.at, exp: item.exp };
          requests.push(entries.add(toOutboxEntry(record)));
          session = { ...session, nextSeq: session.nextSeq + 1, exp: item.exp };
        } else if (item.kind === 'alerts' && session) {
          const record: ControlRecord = { v: 1, key: session.key, seq: session.nextSeq, t: item.at, alerts: item.alerts };
          requests.push(entries.add(toOutboxEntry(record)));
          alerts = { key: session.key, seq: session.nextSeq };
          session = { ...session, nextSeq: session.nextSeq + 1 };
        } else if (item.kind === 'profile' && session) {
          const record: ControlRecord = { v: 1, key: session.key, seq: session.nextSeq, t: item.at, name: item.profile.name, maxHr: item.profile.maxHr };
          requests.push(entries.add(toOutboxEntry(record)));
          session = { ...session, nextSeq: session.nextSeq + 1 };
        } else if (item.kind === 'end' && session) {
          const record: ControlRecord = { v: 1, key: session.key, seq: session.nextSeq, t: item.at, end: true };
          requests.push(entries.add(toOutboxEntry(record)));
          session = null;
        }
      }
      requests.push(session ? meta.put(session, OUTBOX_SCHEMA.sessionKey) : meta.delete(OUTBOX_SCHEMA.sessionKey));
      const waiting = entries.count();
      requests.push(waiting);
      await Promise.all(requests);
      return { session, waiting: await waiting, alerts };
    } catch (error) {
      // A request can also fail synchronously (DataCloneError) with earlier ones already queued: abort so
      // that none of them commits. The other requests then reject too and are handled here. The
      // transaction's own error names the cause when it aborted by itself (e.g. QuotaExceededError at commit).
      try {
        tx.abort();
      } catch {
        // Already aborted or finished.
      }
      await Promise.allSettled(requests);
      throw tx.error ?? error;
    }
  }

  /** The oldest entries that fit one PutRecords request, read in a transaction that is over when this returns. */
  async peekBatch(limits: PutRecordsLimits = PUT_RECORDS_LIMITS): Promise<OutboxEntry[]> {
    const db = await this.connection.open();
    const oldest = (await db.getAll(OUTBOX_SCHEMA.entryStore, undefined, limits.maxRecords)) as OutboxEntry[];
    // A record is capped at 1 KiB by construction (core MAX_RECORD_BYTES), far below the 1 MiB entry limit,
    // so countBatch never has to set the first entry aside here.
    return oldest.slice(0, Math.max(1, countBatch(oldest.map((e) => e.bytes), limits)));
  }

  /**
   * Deletes exactly the acknowledged entries of a batch (as peekBatch returned it) and returns how many
   * entries remain. A batch is the store's lowest keys when it was read, and auto-increment keys only grow,
   * so each run of consecutive acknowledged entries is exactly a key range: deleting ranges instead of one
   * key at a time is 15–20× faster for a 500-entry batch in Chromium.
   */
  async removeAcknowledged(batch: readonly OutboxEntry[], acked: readonly OutboxEntry[]): Promise<number> {
    const db = await this.connection.open();
    const ackedIds = new Set(acked.map((entry) => entry.id));
    const tx = db.transaction(OUTBOX_SCHEMA.entryStore, 'readwrite');
    const requests: Array<Promise<unknown>> = [];
    let runStart: OutboxEntry | undefined;
    let runEnd: OutboxEntry | undefined;
    const closeRun = (): void => {
      if (runStart && runEnd) requests.push(tx.store.delete(IDBKeyRange.bound(runStart.id, runEnd.id)));
      runStart = runEnd = undefined;
    };
    for (const entry of batch) {
      if (ackedIds.has(entry.id)) {
        runStart ??= entry;
        runEnd = entry;
      } else {
        closeRun();
      }
    }
    closeRun();
    const remaining = tx.store.count();
    await Promise.all([...requests, remaining, tx.done]);
    return remaining;
  }

  async count(): Promise<number> {
    return (await this.connection.open()).count(OUTBOX_SCHEMA.entryStore);
  }

  async activeSession(): Promise<StoredSession | null> {
    return (await (await this.connection.open()).get(OUTBOX_SCHEMA.metaStore, OUTBOX_SCHEMA.sessionKey)) ?? null;
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  private createSession(startedAt: number): StoredSession {
    const key = this.newKey();
    return { key, viewId: deriveViewId(key), nextSeq: 0, startedAt };
  }
}

// The device's history in IndexedDB: its own database, apart from the outbox, because the outbox deletes what
// the stream acknowledged and history keeps everything until the person deletes it. Every method is one short
// transaction that waits on nothing but IndexedDB (the outbox's rule); building a series happens after it.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { SessionSeries } from '../../core/session-series.ts';
import { seriesFromChunks, type StoredChunk } from './session-chunk.ts';
import type { SessionSummary } from './session-summary.ts';

/** The schema, exported so the benchmark can seed the page's own database in the same format. */
export const HISTORY_SCHEMA = {
  dbName: 'liveheartrate-history',
  version: 1,
  sessionStore: 'sessions',
  chunkStore: 'chunks',
  byStart: 'byStart',
} as const;

interface HistoryDb extends DBSchema {
  sessions: { key: string; value: SessionSummary; indexes: { byStart: number } };
  chunks: { key: [string, number]; value: StoredChunk };
}

export interface LoadedSession {
  summary: SessionSummary;
  series: SessionSeries;
  /** Chunks that could not be read as one (damaged rows), left out of the series. */
  droppedChunks: number;
}

/** Every chunk key of one session: [id, any index]. */
function chunkRange(id: string): IDBKeyRange {
  return IDBKeyRange.bound([id, -Infinity], [id, Infinity]);
}

export class HistoryStore {
  private db: Promise<IDBPDatabase<HistoryDb>> | null = null;

  constructor(private readonly dbName: string = HISTORY_SCHEMA.dbName) {}

  /** Writes a session's summary and its latest chunk together, so the list never counts readings that are not stored. */
  async save(summary: SessionSummary, chunk: StoredChunk): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readwrite');
    await Promise.all([tx.objectStore(HISTORY_SCHEMA.chunkStore).put(chunk), tx.objectStore(HISTORY_SCHEMA.sessionStore).put(summary), tx.done]);
  }

  /** Every session's summary, newest first; no readings are read. */
  async list(): Promise<SessionSummary[]> {
    const db = await this.open();
    return (await db.getAllFromIndex(HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.byStart)).reverse();
  }

  /** One session with its readings, or null when there is no such session. */
  async load(id: string): Promise<LoadedSession | null> {
    const db = await this.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readonly');
    const [summary, rows] = await Promise.all([
      tx.objectStore(HISTORY_SCHEMA.sessionStore).get(id),
      tx.objectStore(HISTORY_SCHEMA.chunkStore).getAll(chunkRange(id)),
      tx.done,
    ]);
    if (!summary) return null;
    return { summary, ...seriesFromChunks(rows) };
  }

  async delete(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readwrite');
    await Promise.all([tx.objectStore(HISTORY_SCHEMA.sessionStore).delete(id), tx.objectStore(HISTORY_SCHEMA.chunkStore).delete(chunkRange(id)), tx.done]);
  }

  async deleteAll(): Promise<void> {
    const db = await this.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readwrite');
    await Promise.all([tx.objectStore(HISTORY_SCHEMA.sessionStore).clear(), tx.objectStore(HISTORY_SCHEMA.chunkStore).clear(), tx.done]);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    (await db?.catch(() => null))?.close();
  }

  private open(): Promise<IDBPDatabase<HistoryDb>> {
    if (this.db) return this.db;
    const opening = openDB<HistoryDb>(this.dbName, HISTORY_SCHEMA.version, {
      upgrade(db) {
        const sessions = db.createObjectStore(HISTORY_SCHEMA.sessionStore, { keyPath: 'id' });
        sessions.createIndex(HISTORY_SCHEMA.byStart, 'startedAt');
        db.createObjectStore(HISTORY_SCHEMA.chunkStore, { keyPath: ['sessionId', 'index'] });
      },
      // As the outbox: a newer version in another tab may upgrade; a closed connection is reopened on next use.
      blocking: () => void this.close(),
      terminated: () => {
        this.db = null;
      },
    });
    this.db = opening;
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }
}

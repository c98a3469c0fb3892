// The device's history in IndexedDB: its own database, apart from the outbox, because the outbox deletes what
// the stream acknowledged and history keeps everything until the person deletes it. Every method is one short
// transaction that waits on nothing but IndexedDB (the outbox's rule); building a series happens after it.
import type { DBSchema } from 'idb';
import { IdbConnection } from '../idb-connection.ts';
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
  private readonly connection: IdbConnection<HistoryDb>;

  constructor(dbName: string = HISTORY_SCHEMA.dbName) {
    this.connection = new IdbConnection<HistoryDb>(dbName, HISTORY_SCHEMA.version, (db) => {
      const sessions = db.createObjectStore(HISTORY_SCHEMA.sessionStore, { keyPath: 'id' });
      sessions.createIndex(HISTORY_SCHEMA.byStart, 'startedAt');
      db.createObjectStore(HISTORY_SCHEMA.chunkStore, { keyPath: ['sessionId', 'index'] });
    });
  }

  /** Writes a session's summary and its latest chunk together, so the list never counts readings that are not stored. */
  async save(summary: SessionSummary, chunk: StoredChunk): Promise<void> {
    const db = await this.connection.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readwrite');
    await Promise.all([tx.objectStore(HISTORY_SCHEMA.chunkStore).put(chunk), tx.objectStore(HISTORY_SCHEMA.sessionStore).put(summary), tx.done]);
  }

  /** Every session's summary, newest first; no readings are read. */
  async list(): Promise<SessionSummary[]> {
    const db = await this.connection.open();
    return (await db.getAllFromIndex(HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.byStart)).reverse();
  }

  /** One session with its readings, or null when there is no such session. */
  async load(id: string): Promise<LoadedSession | null> {
    const db = await this.connection.open();
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
    const db = await this.connection.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readwrite');
    await Promise.all([tx.objectStore(HISTORY_SCHEMA.sessionStore).delete(id), tx.objectStore(HISTORY_SCHEMA.chunkStore).delete(chunkRange(id)), tx.done]);
  }

  async deleteAll(): Promise<void> {
    const db = await this.connection.open();
    const tx = db.transaction([HISTORY_SCHEMA.sessionStore, HISTORY_SCHEMA.chunkStore], 'readwrite');
    await Promise.all([tx.objectStore(HISTORY_SCHEMA.sessionStore).clear(), tx.objectStore(HISTORY_SCHEMA.chunkStore).clear(), tx.done]);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}

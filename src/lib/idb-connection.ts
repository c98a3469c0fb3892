// One lazily opened IndexedDB connection that heals itself: the outbox and the history each keep one.
import { openDB, type DBSchema, type IDBPDatabase, type OpenDBCallbacks } from 'idb';

export class IdbConnection<Schema extends DBSchema> {
  private db: Promise<IDBPDatabase<Schema>> | null = null;

  constructor(
    private readonly name: string,
    private readonly version: number,
    private readonly upgrade: NonNullable<OpenDBCallbacks<Schema>['upgrade']>,
  ) {}

  open(): Promise<IDBPDatabase<Schema>> {
    if (this.db) return this.db;
    const opening = openDB<Schema>(this.name, this.version, {
      upgrade: this.upgrade,
      // A newer version of the app in another tab wants to upgrade: let it, and reopen on next use.
      blocking: () => void this.close(),
      // The browser closed the connection (storage cleared, disk error): reopen on next use.
      terminated: () => {
        this.db = null;
      },
    });
    this.db = opening;
    // A failed open is not cached: the next call tries again.
    opening.catch(() => {
      if (this.db === opening) this.db = null;
    });
    return opening;
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = null;
    (await db?.catch(() => null))?.close();
  }
}

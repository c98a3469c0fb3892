// What the history view shows and does: the list, one opened session, deleting, storage. Framework-free with a
// snapshot and subscribe; HistoryState mirrors it into runes.
import type { StorageManagerLike } from '../uplink/storage-watch.ts';
import type { HistoryStore, LoadedSession } from './history-store.ts';
import { readStorage, type StorageReport } from './history-storage.ts';
import type { SessionSummary } from './session-summary.ts';

export interface HistorySnapshot {
  status: 'loading' | 'ready' | 'failed';
  /** Newest first. */
  sessions: readonly SessionSummary[];
  /** The session asked for by `open`, once loaded; null while loading or when it does not exist. */
  opened: LoadedSession | null;
  openStatus: 'none' | 'loading' | 'ready' | 'missing';
  storage: StorageReport | null;
  problem: string | null;
}

type Store = Pick<HistoryStore, 'list' | 'load' | 'delete' | 'deleteAll'>;

export class HistoryController {
  private state: HistorySnapshot = { status: 'loading', sessions: [], opened: null, openStatus: 'none', storage: null, problem: null };
  private readonly listeners = new Set<(s: HistorySnapshot) => void>();
  /** The id last asked for: an older load that finishes late must not replace it. */
  private wanted: string | null = null;

  /**
   * `forget` lets go of a session being recorded before it is deleted (HistoryRecorder.forget), so it does not
   * come back with the next write.
   */
  constructor(
    private readonly store: Store,
    private readonly storage: StorageManagerLike | null,
    private readonly forget: (id: string | null) => Promise<void> = () => Promise.resolve(),
  ) {}

  get snapshot(): HistorySnapshot {
    return this.state;
  }

  subscribe(listener: (s: HistorySnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.state);
    return () => this.listeners.delete(listener);
  }

  async refresh(): Promise<void> {
    await this.attempt('Could not read the history.', async () => {
      const sessions = await this.store.list();
      this.update({ status: 'ready', sessions });
    });
    await this.refreshStorage();
  }

  /** The recorder stored a session: its row is replaced (or added) without reading the list again. */
  sessionSaved(summary: SessionSummary): void {
    const others = this.state.sessions.filter((s) => s.id !== summary.id);
    const sessions = [...others, summary].sort((a, b) => b.startedAt - a.startedAt);
    this.update({ sessions });
  }

  async open(id: string | null): Promise<void> {
    this.wanted = id;
    if (id === null) {
      this.update({ opened: null, openStatus: 'none' });
      return;
    }
    if (this.state.opened?.summary.id !== id) this.update({ opened: null, openStatus: 'loading' });
    await this.attempt('Could not open the session.', async () => {
      const loaded = await this.store.load(id);
      if (this.wanted !== id) return;
      this.update({ opened: loaded, openStatus: loaded ? 'ready' : 'missing' });
    });
  }

  async delete(id: string): Promise<void> {
    await this.attempt('Could not delete the session.', async () => {
      await this.forget(id);
      await this.store.delete(id);
      const sessions = this.state.sessions.filter((s) => s.id !== id);
      this.update(this.state.opened?.summary.id === id ? { sessions, opened: null, openStatus: 'missing' } : { sessions });
    });
    await this.refreshStorage();
  }

  async deleteAll(): Promise<void> {
    await this.attempt('Could not delete the history.', async () => {
      await this.forget(null);
      await this.store.deleteAll();
      this.update({ sessions: [], opened: null, openStatus: this.wanted === null ? 'none' : 'missing' });
    });
    await this.refreshStorage();
  }

  /** Asks the browser not to evict this site's storage; the answer shows in `storage.persisted`. */
  async persist(): Promise<void> {
    try {
      await this.storage?.persist();
    } catch {
      // No answer is the same as no: the report below says what the browser decided.
    }
    await this.refreshStorage();
  }

  private async refreshStorage(): Promise<void> {
    this.update({ storage: await readStorage(this.storage) });
  }

  private async attempt(problem: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
      if (this.state.problem === problem) this.update({ problem: null });
    } catch {
      this.update({ status: this.state.status === 'loading' ? 'failed' : this.state.status, problem });
    }
  }

  private update(patch: Partial<HistorySnapshot>): void {
    this.state = { ...this.state, ...patch };
    for (const listener of this.listeners) listener(this.state);
  }
}

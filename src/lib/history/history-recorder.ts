// Records every reading into the device's history, whether or not it is broadcast. Readings are held in memory
// and written every FLUSH_EVERY_MS (and when the page is hidden or the session ends), so a crash loses at most
// that many seconds; the current chunk is rewritten whole at each flush until it holds CHUNK_READINGS readings.
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import { CHUNK_READINGS, toStoredChunk } from './session-chunk.ts';
import { addToSessionSummary, createSummary, isNewSession, type SessionSummary } from './session-summary.ts';
import type { HistoryStore } from './history-store.ts';

export const FLUSH_EVERY_MS = 5000;

export interface RecorderDeps {
  store: Pick<HistoryStore, 'save'>;
  /** The max HR setting: a session's zones are counted under the value when it started. */
  maxHr: () => number;
  newId: () => string;
  every: (ms: number, tick: () => void) => () => void;
  /** A session's summary after each write that stored it. */
  saved?: (summary: SessionSummary) => void;
  /** A write failed (storage full, database closed): the readings stay in memory and are tried again. */
  failed?: (error: unknown) => void;
}

interface OpenSession {
  summary: SessionSummary;
  chunkIndex: number;
  /** The readings of chunk `chunkIndex`, written or not. */
  chunk: TimedReading[];
  /** Whether `chunk` holds readings not yet written. */
  dirty: boolean;
}

export class HistoryRecorder {
  private current: OpenSession | null = null;
  /** Written one after another, so a chunk is never overwritten by an older copy of itself. */
  private writing: Promise<void> = Promise.resolve();
  private readonly stopTimer: () => void;

  constructor(private readonly deps: RecorderDeps) {
    this.stopTimer = deps.every(FLUSH_EVERY_MS, () => void this.flush());
  }

  add(timed: TimedReading): void {
    if (!Number.isFinite(timed.receivedAt)) return;
    if (isNewSession(this.current?.summary ?? null, timed.receivedAt)) {
      void this.end();
      this.current = { summary: createSummary(this.deps.newId(), timed.receivedAt, this.deps.maxHr()), chunkIndex: 0, chunk: [], dirty: false };
    }
    const session = this.current as OpenSession;
    if (session.chunk.length === CHUNK_READINGS) {
      this.queueWrite(session);
      session.chunkIndex++;
      session.chunk = [];
    }
    session.chunk.push(timed);
    session.dirty = true;
    addToSessionSummary(session.summary, timed);
  }

  /** Writes what is held now; resolves once it is stored (or failed). */
  flush(): Promise<void> {
    if (this.current) this.queueWrite(this.current);
    return this.writing;
  }

  /** The person stopped the sensor: the session is written and the next reading starts another. */
  end(): Promise<void> {
    const done = this.flush();
    this.current = null;
    return done;
  }

  /**
   * The person deletes a session (`id`) or all of them (null): if that is the one being recorded, it is let go
   * unwritten, so the next flush cannot bring it back; the next reading starts a new session. Resolves once
   * writes already queued are done, so a delete after it removes what they stored.
   */
  forget(id: string | null): Promise<void> {
    if (this.current && (id === null || this.current.summary.id === id)) this.current = null;
    return this.writing;
  }

  dispose(): Promise<void> {
    this.stopTimer();
    return this.end();
  }

  private queueWrite(session: OpenSession): void {
    if (!session.dirty) return;
    session.dirty = false;
    // Copies taken now: later readings must not change what this write stores.
    const chunk = toStoredChunk(session.summary.id, session.chunkIndex, session.chunk);
    const summary = structuredClone(session.summary);
    this.writing = this.writing.then(async () => {
      try {
        await this.deps.store.save(summary, chunk);
        this.deps.saved?.(summary);
      } catch (error) {
        // Marked again, so the next flush writes this chunk once more, if it is still the current one.
        if (this.current === session && session.chunkIndex === chunk.index) session.dirty = true;
        this.deps.failed?.(error);
      }
    });
  }
}

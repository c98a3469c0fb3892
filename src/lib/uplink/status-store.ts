// The uplink's pub/sub: one immutable snapshot, replaced on every change and handed to every listener.
// A new object per change is what lets a rune mirror ($state.raw) and tests see each step.
export class StatusStore<T extends object> {
  private current: T;
  private readonly listeners = new Set<(status: T) => void>();

  constructor(initial: T) {
    this.current = initial;
  }

  get snapshot(): T {
    return this.current;
  }

  /** Calls `listener` with the current snapshot now and with every later one; returns the unsubscribe. */
  subscribe(listener: (status: T) => void): () => void {
    this.listeners.add(listener);
    listener(this.current);
    return () => this.listeners.delete(listener);
  }

  update(change: Partial<T>): void {
    this.current = { ...this.current, ...change };
    for (const listener of this.listeners) listener(this.current);
  }
}

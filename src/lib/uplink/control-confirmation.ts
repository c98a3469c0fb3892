// After 'Turn off link' or 'Stop broadcast' the control record is stored on the device at once, but it only takes
// effect when the consumer reads it from the stream (by arrival, whatever the device clock says). Until the live
// API shows the session revoked or ended, the person is told it is pending, and told plainly if it stays so.
import type { SessionBody, SessionStatus } from '../../core/live-api-types.ts';
import type { ClockSample } from '../../core/clock-offset.ts';

export type ConfirmedAction = 'link-off' | 'stop';

export interface ConfirmationSnapshot {
  action: ConfirmedAction;
  /** pending: not seen on the server yet; unconfirmed: still not, after a while or offline (still asking). */
  phase: 'pending' | 'confirmed' | 'unconfirmed';
}

export interface ControlConfirmationDeps {
  getSession: (viewId: string) => Promise<Pick<SessionBody, 'status' | 'serverTime'>>;
  delay: (ms: number) => Promise<void>;
  now: () => number;
  isOnline: () => boolean;
  /** Each answer's serverTime is a clock sample with millisecond resolution. */
  observeClock?: (sample: ClockSample) => void;
}

// A control normally shows within a few seconds (stream poll, consumer, store); after this long the person is
// told it is not confirmed, while the app keeps asking.
export const UNCONFIRMED_AFTER_MS = 20_000;
const FAST_POLL_MS = 1000;
const SLOW_POLL_MS = 5000;

const TAKES_EFFECT: Record<ConfirmedAction, readonly SessionStatus[]> = {
  'link-off': ['revoked'],
  // A link turned off or expired hides the session as surely as the end mark.
  stop: ['ended', 'revoked', 'expired'],
};

export class ControlConfirmation {
  private state: ConfirmationSnapshot | null = null;
  private readonly listeners = new Set<(s: ConfirmationSnapshot | null) => void>();
  /** Bumped by every confirm() and by stop(): an older loop sees it and ends. */
  private round = 0;

  constructor(private readonly deps: ControlConfirmationDeps) {}

  get snapshot(): ConfirmationSnapshot | null {
    return this.state;
  }

  subscribe(listener: (s: ConfirmationSnapshot | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Asks the live API about `viewId` until `action` shows there; replaces any confirmation under way. */
  confirm(action: ConfirmedAction, viewId: string): Promise<void> {
    const round = ++this.round;
    this.set({ action, phase: 'pending' });
    return this.poll(round, action, viewId);
  }

  stop(): void {
    this.round++;
  }

  private async poll(round: number, action: ConfirmedAction, viewId: string): Promise<void> {
    const startedAt = this.deps.now();
    for (let attempt = 0; round === this.round; attempt++) {
      const status = await this.ask(viewId);
      if (round !== this.round) return;
      if (status !== null && TAKES_EFFECT[action].includes(status)) {
        this.set({ action, phase: 'confirmed' });
        return;
      }
      if (this.state?.phase === 'pending' && (this.deps.now() - startedAt >= UNCONFIRMED_AFTER_MS || !this.deps.isOnline())) {
        this.set({ action, phase: 'unconfirmed' });
      }
      await this.deps.delay(attempt < 20 ? FAST_POLL_MS : SLOW_POLL_MS);
    }
  }

  /** The session's status, or null when the API could not be reached. */
  private async ask(viewId: string): Promise<SessionStatus | null> {
    const sentAt = this.deps.now();
    try {
      const body = await this.deps.getSession(viewId);
      if (Number.isFinite(body.serverTime)) this.deps.observeClock?.({ sentAt, receivedAt: this.deps.now(), serverTime: body.serverTime, resolutionMs: 1 });
      return body.status;
    } catch {
      return null;
    }
  }

  private set(state: ConfirmationSnapshot): void {
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

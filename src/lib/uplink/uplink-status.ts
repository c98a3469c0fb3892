// What the uplink reports, and how the flusher's events change it. The mapping is a pure function so the
// rules of the status line can be read (and tested) apart from the machinery that raises the events.
import type { FlushEvent } from './flusher.ts';
import type { StoredSession } from './outbox.ts';
import type { RetryReason } from './record-sender.ts';

type UplinkPhase = 'starting' | 'idle' | 'sending' | 'offline' | 'retrying' | 'other-tab';

export interface UplinkStatus {
  phase: UplinkPhase;
  /** Set while phase is 'retrying'. */
  retry: { reason: RetryReason; attempt: number; failed: number } | null;
  /** Readings (and control records) not yet acknowledged by the stream: in the outbox or held in memory. */
  waiting: number;
  /** Of those, the ones already in the outbox on this device (the rest are being written, or held in memory). */
  stored: number;
  /** Of those, held only in memory because storing them failed: lost if the tab closes. */
  unsaved: number;
  /** When the stream last acknowledged readings, and the time of the newest reading it acknowledged then. */
  lastAck: { at: number; readingAt: number } | null;
  session: { viewId: string; startedAt: number; exp: number | null } | null;
  /** Whether readings are being broadcast; off after the person stops, until they start again. */
  broadcasting: boolean;
  storage: StorageStatus;
  /** The alert rules last handed to the uplink for viewers, and how far they got; null when none were. */
  alerts: AlertsDelivery | null;
}

/**
 * `no-session`: nothing to send them with until a broadcast starts; `waiting`: stored on this device, not yet
 * acknowledged by the stream; `sent`: the stream holds them (viewers see them once the consumer reads them).
 */
export interface AlertsDelivery {
  share: boolean;
  phase: 'no-session' | 'waiting' | 'sent';
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

export function initialUplinkStatus(broadcasting: boolean): UplinkStatus {
  return {
    phase: 'starting',
    retry: null,
    waiting: 0,
    stored: 0,
    unsaved: 0,
    lastAck: null,
    session: null,
    broadcasting,
    storage: { persisted: null, headroomHours: null, short: false, writeError: null },
    alerts: null,
  };
}

interface FlushEventEffect {
  change: Partial<UplinkStatus>;
  /** Entries left in the outbox, when the event tells. */
  inOutbox?: number;
}

/**
 * The status change a flusher event brings. `queued` counts items not yet in the outbox (they wait too);
 * `now` stamps an acknowledgement.
 */
export function flushEventEffect(status: UplinkStatus, event: FlushEvent, queued: number, now: number): FlushEventEffect {
  switch (event.type) {
    case 'sending':
      // A retry in progress stays a retry until something gets through.
      return { change: status.phase === 'retrying' ? {} : { phase: 'sending' } };
    case 'acked':
      // A retry that got through is no longer a retry; a partial failure reports 'retrying' right after.
      return {
        inOutbox: event.remaining,
        change: {
          phase: 'sending',
          retry: null,
          waiting: event.remaining + queued,
          lastAck: { at: now, readingAt: Math.max(event.newestT, status.lastAck?.readingAt ?? 0) },
        },
      };
    case 'retrying':
      return { change: { phase: 'retrying', retry: { reason: event.reason, attempt: event.attempt, failed: event.failed } } };
    case 'offline':
      return { change: { phase: 'offline', retry: null } };
    case 'drained':
      return { inOutbox: 0, change: { phase: 'idle', retry: null, waiting: queued } };
    case 'other-tab':
      return { change: { phase: 'other-tab' } };
  }
}

export function publicSession(session: StoredSession | null): UplinkStatus['session'] {
  return session ? { viewId: session.viewId, startedAt: session.startedAt, exp: session.exp ?? null } : null;
}

export function describeStorageError(error: unknown): string {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'QuotaExceededError') return 'This device is out of storage space for waiting readings.';
  return `Readings could not be saved on this device (${typeof name === 'string' ? name : 'unknown error'}).`;
}

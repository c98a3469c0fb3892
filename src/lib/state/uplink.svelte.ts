import { storageWarnings, summarizeUplink } from '../uplink/uplink-summary.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import type { Uplink } from '../uplink/uplink.ts';
import type { UplinkStatus } from '../uplink/uplink-status.ts';

/** The uplink as the person sees it: whether readings reach the stream, how many wait, and storage warnings. */
export class UplinkState {
  status = $state.raw<UplinkStatus>() as UplinkStatus;
  readonly summary = $derived(summarizeUplink(this.status));
  readonly warnings = $derived(storageWarnings(this.status));
  readonly retryReason = $derived(this.status.retry?.reason ?? null);

  constructor(private readonly uplink: Uplink) {
    this.status = uplink.snapshot;
    uplink.subscribe((status) => (this.status = status));
  }

  /** Sends what an earlier visit left behind, and readies the stream client before it is needed. */
  start(): Promise<void> {
    return this.uplink.start();
  }

  record(reading: TimedReading): void {
    this.uplink.record(reading);
  }

  /** Ends the broadcast session (its end record is sent like a reading); the next reading starts a new one. */
  endSession(): Promise<void> {
    return this.uplink.endSession();
  }

  /** Ends this broadcast and starts a new one with a new link, broadcasting throughout. */
  rotateSession(): Promise<void> {
    return this.uplink.rotateSession();
  }

  /** Starts broadcasting with a new link now. */
  startSession(): Promise<void> {
    return this.uplink.startSession();
  }

  /** Link expiry (epoch ms); a time not after now turns the link off. */
  setLinkExpiry(exp: number): Promise<void> {
    return this.uplink.setLinkExpiry(exp);
  }
}

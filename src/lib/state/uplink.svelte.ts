import { storageWarnings, summarizeUplink } from '../uplink/uplink-summary.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import type { Uplink } from '../uplink/uplink.ts';
import type { UplinkStatus } from '../uplink/uplink-status.ts';
import type { ConfirmationSnapshot, ControlConfirmation } from '../uplink/control-confirmation.ts';

/** The uplink as the person sees it: whether readings reach the stream, how many wait, and storage warnings. */
export class UplinkState {
  status = $state.raw<UplinkStatus>() as UplinkStatus;
  readonly summary = $derived(summarizeUplink(this.status));
  readonly warnings = $derived(storageWarnings(this.status));
  readonly retryReason = $derived(this.status.retry?.reason ?? null);
  /** Whether the last 'Turn off link' or 'Stop broadcast' shows on the server yet. */
  confirmation = $state.raw<ConfirmationSnapshot | null>(null);

  constructor(
    private readonly uplink: Uplink,
    private readonly confirmations?: ControlConfirmation,
  ) {
    this.status = uplink.snapshot;
    uplink.subscribe((status) => (this.status = status));
    confirmations?.subscribe((c) => (this.confirmation = c));
  }

  /** Sends what an earlier visit left behind, and readies the stream client before it is needed. */
  start(): Promise<void> {
    return this.uplink.start();
  }

  record(reading: TimedReading): void {
    this.uplink.record(reading);
  }

  /**
   * Ends the broadcast session (its end record is sent like a reading); the next reading starts a new one. Once
   * stored, the live API is asked until the session shows as ended there.
   */
  async endSession(): Promise<void> {
    const viewId = this.status.session?.viewId;
    await this.uplink.endSession();
    if (viewId !== undefined) void this.confirmations?.confirm('stop', viewId);
  }

  /** Turns the share link off for good (an expiry of now), then confirms it from the live API. */
  async turnOffLink(): Promise<void> {
    const viewId = this.status.session?.viewId;
    await this.uplink.setLinkExpiry(Date.now());
    if (viewId !== undefined) void this.confirmations?.confirm('link-off', viewId);
  }

  /** Ends this broadcast and starts a new one with a new link, broadcasting throughout. */
  rotateSession(): Promise<void> {
    // The old link's confirmation is no longer what the panel is about.
    this.confirmations?.stop();
    this.confirmation = null;
    return this.uplink.rotateSession();
  }

  /** Starts broadcasting with a new link now. */
  startSession(): Promise<void> {
    this.confirmations?.stop();
    this.confirmation = null;
    return this.uplink.startSession();
  }

  /** Link expiry (epoch ms); a time not after now turns the link off. */
  setLinkExpiry(exp: number): Promise<void> {
    return this.uplink.setLinkExpiry(exp);
  }
}

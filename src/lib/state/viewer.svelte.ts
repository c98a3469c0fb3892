import { sleep } from '../with-timeout.ts';
import type { LiveApiClient } from '../viewer/live-api-client.ts';
import type { PushChannel } from '../viewer/push-channel.ts';
import { ViewerController, type ViewerSnapshot } from '../viewer/viewer-controller.ts';
import { secondsSince, shownStatus, type ViewerStatus } from '../viewer/viewer-status.ts';

// The page's clock ticks twice a second so "No data for N s" counts up between long-poll answers.
const TICK_MS = 500;

/** A shared session as the viewer page shows it: a rune mirror of the framework-free ViewerController. */
export class ViewerState {
  private readonly controller: ViewerController;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly online = (): void => this.controller.connectionChanged(true);
  private readonly offline = (): void => this.controller.connectionChanged(false);

  private snapshot = $state.raw<ViewerSnapshot>() as ViewerSnapshot;
  now = $state(Date.now());

  readonly bpm = $derived(this.snapshot.bpm);
  readonly contact = $derived(this.snapshot.contact);
  readonly count = $derived(this.snapshot.count);
  readonly min = $derived(this.snapshot.min);
  readonly max = $derived(this.snapshot.max);
  readonly average = $derived(this.snapshot.average);
  readonly rmssd = $derived(this.snapshot.rmssd);
  readonly sdnn = $derived(this.snapshot.sdnn);
  readonly pnn50 = $derived(this.snapshot.pnn50);
  readonly dfaAlpha1 = $derived(this.snapshot.dfaAlpha1);
  readonly addedSeqs = $derived(this.snapshot.addedSeqs);
  readonly maxHr = $derived(this.snapshot.maxHr);
  private readonly serverNow = $derived(this.now + this.snapshot.clockOffset);
  readonly secondsSinceData = $derived(secondsSince(this.snapshot.lastReceivedAt, this.serverNow));
  readonly status = $derived<ViewerStatus>(shownStatus(this.snapshot, this.serverNow));

  constructor(viewId: string, api: LiveApiClient, push?: PushChannel) {
    this.controller = new ViewerController(viewId, { api, now: () => Date.now(), delay: sleep, ...(push === undefined ? {} : { push }) });
    this.snapshot = this.controller.snapshot;
    this.controller.subscribe((snapshot) => {
      this.snapshot = snapshot;
      // The clock offset was just measured against this instant.
      this.now = Date.now();
    });
  }

  get series(): ViewerController['series'] {
    return this.controller.series;
  }

  /** Follows the session; a link that is not a view id shows as unknown and is never sent to the API. */
  start(): void {
    this.ticker = setInterval(() => (this.now = Date.now()), TICK_MS);
    addEventListener('online', this.online);
    addEventListener('offline', this.offline);
    void this.controller.start();
  }

  stop(): void {
    this.controller.stop();
    clearInterval(this.ticker);
    removeEventListener('online', this.online);
    removeEventListener('offline', this.offline);
  }

  /** The follow loop itself, for what builds on its snapshots and readings (the viewer's alerts). */
  get follower(): ViewerController {
    return this.controller;
  }

  onData(listener: () => void): () => void {
    return this.controller.onData(listener);
  }
}

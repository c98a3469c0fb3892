import { sleep } from '../with-timeout.ts';
import { GroupController, type GroupSnapshot, type GroupTransport } from '../group/group-controller.ts';
import { sortTiles, type GroupSort, type GroupTile } from '../group/group-tile.ts';
import { SparklinePainter } from '../group/sparkline-painter.ts';
import type { LiveApiClient } from '../viewer/live-api-client.ts';
import type { PushChannel } from '../viewer/push-channel.ts';
import { shownStatus, type ViewerStatus } from '../viewer/viewer-status.ts';

// Stale and expiry are judged by the page's clock between answers; once a second is as fine as a tile shows.
const TICK_MS = 1_000;

export interface ShownTile extends GroupTile {
  status: ViewerStatus;
}

/** A heart rate is shown (and sorted by) only while the session is live or stale: an ended one sorts with the silent. */
function shown(tile: GroupTile, now: number): ShownTile {
  const status = shownStatus(tile, now + tile.clockOffset);
  return { ...tile, status, bpm: status === 'live' || status === 'stale' ? tile.bpm : null };
}

/**
 * The group page as runes: a mirror of the framework-free GroupController. Snapshots are taken over at most once
 * per animation frame, so fifty sessions at one reading a second re-render the page at most once a frame.
 */
export class GroupState {
  private readonly controller: GroupController;
  readonly painter = new SparklinePainter({ request: (callback) => requestAnimationFrame(callback) });
  private ticker: ReturnType<typeof setInterval> | undefined;
  private pending: GroupSnapshot | null = null;
  private snapshot = $state.raw<GroupSnapshot>() as GroupSnapshot;
  now = $state(Date.now());
  sort = $state<GroupSort>('bpm');

  readonly transport = $derived<GroupTransport>(this.snapshot.transport);
  readonly tiles = $derived<ShownTile[]>(sortTiles(this.snapshot.tiles.map((tile) => shown(tile, this.now)), this.sort));

  constructor(viewIds: readonly string[], api: LiveApiClient, channel: PushChannel | null) {
    this.controller = new GroupController(viewIds, { api, channel, now: () => Date.now(), delay: sleep });
    this.snapshot = this.controller.snapshot;
    this.controller.subscribe((snapshot) => {
      if (this.pending === null) requestAnimationFrame(() => this.takeOver());
      this.pending = snapshot;
    });
    this.controller.onData((viewId) => this.painter.mark(viewId));
  }

  seriesOf(viewId: string): ReturnType<GroupController['seriesOf']> {
    return this.controller.seriesOf(viewId);
  }

  start(): void {
    this.ticker = setInterval(() => (this.now = Date.now()), TICK_MS);
    void this.controller.start();
  }

  stop(): void {
    this.controller.stop();
    clearInterval(this.ticker);
  }

  private takeOver(): void {
    if (this.pending === null) return;
    this.snapshot = this.pending;
    this.pending = null;
    this.now = Date.now();
  }
}

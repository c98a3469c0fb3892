import { sleep } from '../with-timeout.ts';
import { GroupController, type GroupSnapshot, type GroupTransport } from '../group/group-controller.ts';
import { sortTiles, type GroupSort, type GroupTile } from '../group/group-tile.ts';
import { SparklinePainter } from '../group/sparkline-painter.ts';
import type { LiveApiClient } from '../viewer/live-api-client.ts';
import type { PushChannel } from '../viewer/push-channel.ts';
import { shownStatus, type ViewerStatus } from '../viewer/viewer-status.ts';

// The page takes over the controller's latest snapshot, and judges stale and expiry by its clock, twice a second: heart
// rates change once a second, and fifty sessions polled round-robin would otherwise re-render (and re-sort) the page
// twenty-five times a second (BENCHMARKS.md "Group page").
const TICK_MS = 500;

export interface ShownTile extends GroupTile {
  status: ViewerStatus;
}

/** A heart rate is shown (and sorted by) only while the session is live or stale: an ended one sorts with the silent. */
function shown(tile: GroupTile, status: ViewerStatus): ShownTile {
  return { ...tile, status, bpm: status === 'live' || status === 'stale' ? tile.bpm : null };
}

/** The group page as runes: a mirror of the framework-free GroupController, taken over twice a second. */
export class GroupState {
  private readonly controller: GroupController;
  readonly painter = new SparklinePainter({ request: (callback) => requestAnimationFrame(callback) });
  private ticker: ReturnType<typeof setInterval> | undefined;
  private pending: GroupSnapshot | null = null;
  private snapshot = $state.raw<GroupSnapshot>() as GroupSnapshot;
  now = $state(Date.now());
  sort = $state<GroupSort>('bpm');

  readonly transport = $derived<GroupTransport>(this.snapshot.transport);
  readonly tiles = $derived<ShownTile[]>(sortTiles(this.snapshot.tiles.map((tile) => this.shownTile(tile, this.now)), this.sort));
  /** The tile as last shown: kept while neither the tile nor its status changed, so Svelte leaves its DOM alone. */
  private readonly shownCache = new Map<string, { tile: GroupTile; shown: ShownTile }>();

  constructor(viewIds: readonly string[], api: LiveApiClient, channel: PushChannel | null) {
    this.controller = new GroupController(viewIds, { api, channel, now: () => Date.now(), delay: sleep });
    this.snapshot = this.controller.snapshot;
    this.controller.subscribe((snapshot) => (this.pending = snapshot));
    this.controller.onData((viewId) => this.painter.mark(viewId));
  }

  seriesOf(viewId: string): ReturnType<GroupController['seriesOf']> {
    return this.controller.seriesOf(viewId);
  }

  start(): void {
    this.ticker = setInterval(() => this.takeOver(), TICK_MS);
    void this.controller.start();
  }

  stop(): void {
    this.controller.stop();
    clearInterval(this.ticker);
  }

  private takeOver(): void {
    if (this.pending !== null) this.snapshot = this.pending;
    this.pending = null;
    this.now = Date.now();
    this.painter.flush();
  }

  private shownTile(tile: GroupTile, now: number): ShownTile {
    const status = shownStatus(tile, now + tile.clockOffset);
    const cached = this.shownCache.get(tile.viewId);
    if (cached !== undefined && cached.tile === tile && cached.shown.status === status) return cached.shown;
    const next = shown(tile, status);
    this.shownCache.set(tile.viewId, { tile, shown: next });
    return next;
  }
}

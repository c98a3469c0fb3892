// One person on the group page, and the orders a coach can sort them in. Plain data and pure functions: the page
// derives what it shows from these, and the tests check the orders without a browser.
import type { PublicReading, SessionBody } from '../../core/live-api-types.ts';
import { DEFAULT_MAX_HR, zoneOf, type Zone } from '../../core/zones.ts';
import type { ViewerStatus } from '../viewer/viewer-status.ts';

export interface GroupTile {
  viewId: string;
  /** The broadcaster's display name, plain text (src/core/display-name.ts); null when none was set. */
  name: string | null;
  /** The broadcaster's max HR; null when not shared (zones then use DEFAULT_MAX_HR). */
  maxHr: number | null;
  /** The newest reading's heart rate, by seq. */
  bpm: number | null;
  lastSeq: number | null;
  remote: ViewerStatus;
  /** Server receive time of the newest reading, for "stale" between answers. */
  lastReceivedAt: number | null;
  expiresAt: number | null;
  /** serverTime − this page's clock, from the latest answer. */
  clockOffset: number;
}

export type GroupSort = 'bpm' | 'zone' | 'name';
export const GROUP_SORTS: readonly GroupSort[] = ['bpm', 'zone', 'name'];

export function createTile(viewId: string): GroupTile {
  return { viewId, name: null, maxHr: null, bpm: null, lastSeq: null, remote: 'connecting', lastReceivedAt: null, expiresAt: null, clockOffset: 0 };
}

/** The tile after a session body (live API or pushed): fields the body leaves out keep their value. */
export function withSession(tile: GroupTile, s: SessionBody, clockOffset: number): GroupTile {
  const next: GroupTile = { ...tile, remote: s.status, clockOffset, expiresAt: s.expiresAt ?? null };
  // A link that is turned off tells nothing else, and shows nothing it told before.
  if (s.status === 'revoked' || s.status === 'expired') return { ...next, bpm: null, lastSeq: null, name: null, maxHr: null };
  if (s.name !== undefined) next.name = s.name;
  if (s.maxHr !== undefined) next.maxHr = s.maxHr;
  if (s.lastReceivedAt !== undefined) next.lastReceivedAt = s.lastReceivedAt;
  if (s.lastSeq !== undefined && s.lastBpm !== undefined && s.lastSeq !== null && (tile.lastSeq === null || s.lastSeq >= tile.lastSeq)) {
    next.lastSeq = s.lastSeq;
    next.bpm = s.lastBpm;
  }
  return next;
}

/** The tile after new readings received by the server at about `serverTime`; the newest by seq is shown. */
export function withReadings(tile: GroupTile, readings: readonly PublicReading[], serverTime: number): GroupTile {
  let newest: PublicReading | null = null;
  for (const r of readings) if (newest === null || r.seq > newest.seq) newest = r;
  if (newest === null || (tile.lastSeq !== null && newest.seq <= tile.lastSeq)) return tile;
  return { ...tile, bpm: newest.bpm, lastSeq: newest.seq, lastReceivedAt: Math.max(tile.lastReceivedAt ?? 0, serverTime) };
}

export function zoneOfTile(tile: Pick<GroupTile, 'bpm' | 'maxHr'>): Zone {
  return tile.bpm === null ? 0 : zoneOf(tile.bpm, tile.maxHr ?? DEFAULT_MAX_HR);
}

/** Heart rate or zone high to low, or name A to Z; ties and tiles without a value keep the group link's order, last. */
export function sortTiles<T extends Pick<GroupTile, 'viewId' | 'bpm' | 'maxHr' | 'name'>>(tiles: readonly T[], by: GroupSort): T[] {
  const order = new Map(tiles.map((tile, i) => [tile.viewId, i]));
  const key = (tile: T): number | string | null =>
    by === 'name' ? tile.name : tile.bpm === null ? null : by === 'bpm' ? tile.bpm : zoneOfTile(tile) * 1000 + tile.bpm;
  return [...tiles].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === null) return 1;
      if (kb === null) return -1;
      if (typeof ka === 'string' && typeof kb === 'string') return ka.localeCompare(kb);
      return (kb as number) - (ka as number);
    }
    return (order.get(a.viewId) ?? 0) - (order.get(b.viewId) ?? 0);
  });
}

import { describe, expect, it } from 'vitest';
import { createTile, sortTiles, withReadings, withSession, zoneOfTile, type GroupTile } from '../../../src/lib/group/group-tile.ts';

function tile(viewId: string, fields: Partial<GroupTile>): GroupTile {
  return { ...createTile(viewId), ...fields };
}

describe('group tiles', () => {
  const tiles = [
    tile('a', { name: 'Zoë', bpm: 120, maxHr: 200 }),
    tile('b', { name: 'ann', bpm: null }),
    tile('c', { name: null, bpm: 150, maxHr: 150 }),
    tile('d', { name: 'Bo', bpm: 150, maxHr: 200 }),
  ];

  it('sorts by heart rate high to low, ties and tiles without one in the link’s order, the latter last', () => {
    expect(sortTiles(tiles, 'bpm').map((t) => t.viewId)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('sorts by zone, each by its own max HR', () => {
    // c is at 100 % of 150 (zone 5), d at 75 % of 200 (zone 3), a at 60 % (zone 2).
    expect(tiles.map(zoneOfTile)).toEqual([2, 0, 5, 3]);
    expect(sortTiles(tiles, 'zone').map((t) => t.viewId)).toEqual(['c', 'd', 'a', 'b']);
  });

  it('sorts by name, case-insensitively as people read, unnamed last', () => {
    expect(sortTiles(tiles, 'name').map((t) => t.viewId)).toEqual(['b', 'd', 'a', 'c']);
  });

  it('shows the newest reading by seq; a late resend does not replace it', () => {
    // Prepare
    const t0 = tile('a', {});

    // Act
    const t1 = withReadings(t0, [{ seq: 5, t: 1, bpm: 100 }, { seq: 4, t: 0, bpm: 90 }], 1000);
    const t2 = withReadings(t1, [{ seq: 3, t: 0, bpm: 80 }], 2000);

    // Assess
    expect(t1).toMatchObject({ bpm: 100, lastSeq: 5, lastReceivedAt: 1000 });
    expect(t2).toBe(t1);
  });

  it('forgets the name and heart rate of a link that was turned off', () => {
    const named = tile('a', { name: 'Ann', bpm: 100, lastSeq: 3 });

    expect(withSession(named, { viewId: 'a', status: 'revoked', serverTime: 0 }, 0)).toMatchObject({ remote: 'revoked', name: null, bpm: null });
  });
});

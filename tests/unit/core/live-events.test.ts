import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_FOLLOWED_SESSIONS, parseLiveEvent, type LiveEvent } from '../../../src/core/live-events.ts';

const VIEW_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
const SESSION = { viewId: VIEW_ID, status: 'live', serverTime: 1_764_500_000_000, count: 2, lastBpm: 120, name: 'Ana' } as const;

describe('parseLiveEvent', () => {
  it.each<LiveEvent>([
    { type: 'session', viewId: VIEW_ID, session: { ...SESSION } },
    {
      type: 'readings',
      viewId: VIEW_ID,
      from: '0',
      next: '2',
      readings: [
        { seq: 1, t: 1_764_499_999_000, bpm: 118, rr: [508], contact: true },
        { seq: 2, t: 1_764_500_000_000, bpm: 120 },
      ],
      session: { ...SESSION },
    },
  ])('reads a well-formed $type event as sent', (event) => {
    // Act
    const parsed = parseLiveEvent(JSON.parse(JSON.stringify(event)));

    // Assess
    expect(parsed).toEqual(event);
  });

  it.each([
    { name: 'an unknown type', value: { type: 'hello', viewId: VIEW_ID, session: SESSION } },
    { name: 'a bad view id', value: { type: 'session', viewId: 'x', session: { ...SESSION, viewId: 'x' } } },
    { name: "another session's body", value: { type: 'session', viewId: VIEW_ID, session: { ...SESSION, viewId: 'BBBBBBBBBBBBBBBBBBBBBB' } } },
    { name: 'an unknown status', value: { type: 'session', viewId: VIEW_ID, session: { ...SESSION, status: 'paused' } } },
    { name: 'a bad cursor', value: { type: 'readings', viewId: VIEW_ID, from: '-1', next: '2', readings: [], session: SESSION } },
    { name: 'a reading without bpm', value: { type: 'readings', viewId: VIEW_ID, from: '0', next: '1', readings: [{ seq: 1, t: 1 }], session: SESSION } },
    { name: 'rr that is not numbers', value: { type: 'readings', viewId: VIEW_ID, from: '0', next: '1', readings: [{ seq: 1, t: 1, bpm: 60, rr: ['1'] }], session: SESSION } },
    { name: 'an array', value: [] },
  ])('drops $name', ({ value }) => {
    // Act
    const parsed = parseLiveEvent(value);

    // Assess
    expect(parsed).toBeNull();
  });

  it('never throws, whatever the stream sends', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Act / Assess
        expect(() => parseLiveEvent(value)).not.toThrow();
      }),
    );
  });

  it("lets one stream follow a class of 50, the group page's limit", () => {
    // Assess
    expect(MAX_FOLLOWED_SESSIONS).toBe(50);
  });
});

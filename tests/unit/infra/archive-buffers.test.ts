import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArchiveBuffers, type TakenBuffer } from '../../../infra/local/archive-buffers.ts';

const LIMITS = { maxBytes: 100, maxAgeMs: 1_000 };

type Step = { kind: 'add'; folder: number; bytes: number; dt: number } | { kind: 'take'; all: boolean } | { kind: 'fail' } | { kind: 'write' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), folder: fc.integer({ min: 0, max: 2 }), bytes: fc.integer({ min: 1, max: 60 }), dt: fc.integer({ min: 0, max: 600 }) }),
  fc.record({ kind: fc.constant('take' as const), all: fc.boolean() }),
  fc.record({ kind: fc.constant('fail' as const) }),
  fc.record({ kind: fc.constant('write' as const) }),
);

describe('archive buffers', () => {
  it('loses and repeats no line through any adds, takes and failed writes, and knows the lowest position not yet written', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        // Prepare
        const buffers = new ArchiveBuffers(LIMITS);
        const taken: TakenBuffer[] = [];
        const written: string[] = [];
        let index = 0;
        let now = 0;

        // Act
        for (const s of steps) {
          if (s.kind === 'add') {
            now += s.dt;
            buffers.add(`f${s.folder}/`, `${index}`.padEnd(s.bytes, '.'), index, now, now);
            index++;
          } else if (s.kind === 'take') {
            taken.push(...buffers.takeDue(now, s.all));
          } else {
            const first = taken.shift();
            if (first !== undefined && s.kind === 'fail') buffers.restore(first);
            if (first !== undefined && s.kind === 'write') written.push(...first.lines);
          }
        }
        const lowest = buffers.lowestIndex();
        const open = buffers.takeDue(now, true);

        // Assess
        const all = [...written, ...taken.flatMap((b) => b.lines), ...open.flatMap((b) => b.lines)].map((line) => Number.parseInt(line, 10));
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: index }, (_, i) => i));
        // firstIndex is what holds the checkpoint back: never above a line the buffer holds.
        const positionsOf = (b: TakenBuffer): number[] => b.lines.map((line) => Number.parseInt(line, 10));
        for (const b of [...taken, ...open]) expect(b.firstIndex).toBe(Math.min(...positionsOf(b)));
        expect(lowest).toBe(Math.min(Infinity, ...open.flatMap(positionsOf)));
      }),
    );
  });

  it('makes a buffer due at its size or its age, and not before', () => {
    // Prepare
    const buffers = new ArchiveBuffers(LIMITS);
    buffers.add('small/', 'x'.repeat(10), 0, 0, 0);
    buffers.add('full/', 'x'.repeat(60), 1, 0, 500);

    // Act
    const beforeFull = buffers.takeDue(500);
    buffers.add('full/', 'x'.repeat(40), 2, 0, 600);
    const atSize = buffers.takeDue(600);
    const beforeAge = buffers.takeDue(999);
    const atAge = buffers.takeDue(1_000);

    // Assess
    expect(beforeFull).toEqual([]);
    expect(atSize.map((b) => [b.folder, b.bytes])).toEqual([['full/', 100]]);
    expect(beforeAge).toEqual([]);
    expect(atAge.map((b) => b.folder)).toEqual(['small/']);
    expect(buffers.lowestIndex()).toBe(Infinity);
  });
});

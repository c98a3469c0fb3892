import { describe, expect, it } from 'vitest';
import { SeriesBuffer } from '../../../src/lib/chart/series-buffer.ts';
import { SparklinePainter } from '../../../src/lib/group/sparkline-painter.ts';

/** A canvas that counts its draws: only what the painter touches. */
function fakeCanvas(): { canvas: HTMLCanvasElement; strokes: () => number } {
  let strokes = 0;
  const ctx = { clearRect() {}, beginPath() {}, moveTo() {}, lineTo() {}, stroke: () => strokes++ };
  const canvas = { clientWidth: 200, clientHeight: 40, width: 0, height: 0, dataset: {} as DOMStringMap, getContext: () => ctx };
  return { canvas: canvas as unknown as HTMLCanvasElement, strokes: () => strokes };
}

describe('SparklinePainter', () => {
  it('draws every marked tile in one frame per flush, and nothing when nothing changed', () => {
    // Prepare
    const frames: Array<() => void> = [];
    const painter = new SparklinePainter({ request: (callback) => frames.push(callback) });
    const tiles = Array.from({ length: 50 }, (_, i) => {
      const series = new SeriesBuffer(10);
      series.push(1000 + i, 100);
      return { id: `v${i}`, ...fakeCanvas(), series };
    });
    for (const t of tiles) painter.attach(t.id, t.canvas, t.series, '#fff');

    // Act: fifty marks (again), two flushes before the frame, then a flush with nothing marked.
    for (const t of tiles) painter.mark(t.id);
    painter.flush();
    painter.flush();
    const asked = frames.length;
    frames.shift()?.();
    painter.flush();

    // Assess
    expect(asked).toBe(1);
    expect(tiles.every((t) => t.strokes() === 1)).toBe(true);
    expect(frames).toHaveLength(0);
    expect(tiles[0]?.canvas.dataset['points']).toBe('1');
  });
});

// The overlay's rolling graph: one line over the last few minutes on a transparent canvas, no axes (a stream's
// viewers read the number beside it; the line only shows the trend). Plain canvas rather than uPlot: an overlay
// has no cursor, legend or scales to draw, and its background must stay untouched.
import type { SeriesBuffer } from './series-buffer.ts';

// Below this span a steady heart rate would be drawn as wild swings of one or two bpm.
const MIN_SPAN_BPM = 20;

export interface GraphPoint {
  x: number;
  y: number;
}

/**
 * Canvas coordinates of the readings from `fromS` to `toS` (seconds) on a width × height plot: time across,
 * heart rate up, scaled to the window's own range (at least MIN_SPAN_BPM). Readings of 0 bpm (no contact)
 * leave a gap rather than a drop to the floor: null marks where the line breaks.
 */
export function graphPoints(
  times: ArrayLike<number>,
  values: ArrayLike<number>,
  fromS: number,
  toS: number,
  width: number,
  height: number,
): (GraphPoint | null)[] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    if (v > 0) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  if (lo === Infinity || !(toS > fromS)) return [];
  const middle = (lo + hi) / 2;
  const span = Math.max(hi - lo, MIN_SPAN_BPM);
  const bottom = middle - span / 2;
  const points: (GraphPoint | null)[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? 0;
    const t = times[i] ?? NaN;
    if (!(v > 0) || t < fromS || t > toS) {
      points.push(null);
      continue;
    }
    points.push({ x: ((t - fromS) / (toS - fromS)) * width, y: height - ((v - bottom) / span) * height });
  }
  return points;
}

export interface OverlayGraphHandle {
  /** Ask for a redraw; several calls within one frame draw once. */
  invalidate(): void;
  destroy(): void;
}

/** Draws the newest `minutes` of `buffer` on `canvas`, at most once per animation frame. */
export function createOverlayGraph(
  canvas: HTMLCanvasElement,
  buffer: SeriesBuffer,
  opts: { minutes: number; color: string; lineWidth: number; now?: () => number },
): OverlayGraphHandle {
  const now = opts.now ?? (() => Date.now() / 1000);
  let frame = 0;

  function draw(): void {
    frame = 0;
    const context = canvas.getContext('2d');
    if (!context) return;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth;
    const height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio)) canvas.width = Math.round(width * ratio);
    if (canvas.height !== Math.round(height * ratio)) canvas.height = Math.round(height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, height);
    const end = now();
    const start = end - opts.minutes * 60;
    const { times, values } = buffer.window(start);
    // Inset by half a line so the extremes are not clipped.
    const inset = opts.lineWidth / 2;
    const points = graphPoints(times, values, start, end, width - 2 * inset, height - 2 * inset);
    context.strokeStyle = opts.color;
    context.lineWidth = opts.lineWidth;
    context.lineJoin = 'round';
    context.lineCap = 'round';
    // The same dark halo as the overlay's text: a light line stays visible over a bright scene.
    context.shadowColor = 'rgba(0, 0, 0, 0.85)';
    context.shadowBlur = 4;
    context.beginPath();
    let drawing = false;
    for (const point of points) {
      if (point === null) {
        drawing = false;
        continue;
      }
      if (drawing) context.lineTo(point.x + inset, point.y + inset);
      else context.moveTo(point.x + inset, point.y + inset);
      drawing = true;
    }
    context.stroke();
  }

  return {
    invalidate() {
      if (frame === 0) frame = requestAnimationFrame(draw);
    },
    destroy() {
      if (frame !== 0) cancelAnimationFrame(frame);
      frame = 0;
    },
  };
}

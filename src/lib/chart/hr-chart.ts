import uPlot from 'uplot';
import { readChartColors, type ChartColors } from './chart-colors.ts';
import type { SeriesBuffer } from './series-buffer.ts';
import { TIME_LABEL_OVERHANG, TIME_TICK_INCREMENTS, formatTimeTicks, timeTickSpace } from './time-axis.ts';

export const CHART_WINDOWS_MIN = [1, 5, 15, 60] as const;
export type ChartWindowMin = (typeof CHART_WINDOWS_MIN)[number];

export interface ChartHandle {
  /** Ask for a redraw; several calls within one frame draw once. */
  invalidate(): void;
  /** Draw now, synchronously (what the frame callback does). */
  drawNow(): void;
  setWindow(minutes: ChartWindowMin): void;
  resize(width: number, height: number): void;
  destroy(): void;
}

// Wide enough for "200" and wider than half a time label (TIME_LABEL_OVERHANG).
const Y_AXIS_WIDTH = 44;

/** Draws the newest `minutes` of `buffer` with uPlot, at most once per animation frame. */
export function createHeartRateChart(
  target: HTMLElement,
  buffer: SeriesBuffer,
  opts: { width: number; height: number; minutes: ChartWindowMin; now?: () => number },
): ChartHandle {
  const now = opts.now ?? (() => Date.now() / 1000);
  let minutes = opts.minutes;
  let frame = 0;
  const colors = readChartColors(target);

  const plot = new uPlot(
    {
      width: opts.width,
      height: opts.height,
      legend: { show: false },
      // Room at the right for the newest tick's label, and at the top for the highest bpm label; the y axis
      // is wider than a time label's overhang, so the first one is not cut off on the left.
      padding: [12, TIME_LABEL_OVERHANG, 0, 0],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: { auto: true, range: (_u, min, max) => paddedRange(min, max) },
      },
      axes: heartRateAxes(colors),
      series: [{}, { label: 'bpm', stroke: colors.line, width: 2, points: { show: false } }],
    },
    [new Float64Array(0), new Float32Array(0)],
    target,
  );

  function draw(): void {
    if (frame !== 0) cancelAnimationFrame(frame);
    frame = 0;
    const end = now();
    const { times, values } = buffer.window(end - minutes * 60);
    plot.batch(() => {
      plot.setData([times, values], false);
      plot.setScale('x', { min: end - minutes * 60, max: end });
    });
  }

  return {
    invalidate() {
      if (frame === 0) frame = requestAnimationFrame(draw);
    },
    drawNow: draw,
    // Only the x scale changes: the same uPlot instance is redrawn, not rebuilt.
    setWindow(next) {
      minutes = next;
      draw();
    },
    resize(width, height) {
      plot.setSize({ width, height });
    },
    destroy() {
      if (frame !== 0) cancelAnimationFrame(frame);
      plot.destroy();
    },
  };
}

/** The time and bpm axes every heart-rate chart draws (the live one and a recorded session's). */
export function heartRateAxes(colors: ChartColors): uPlot.Axis[] {
  return [
    {
      stroke: colors.axis,
      grid: { stroke: colors.grid },
      ticks: { stroke: colors.grid },
      space: (_u, _axis, min, max, plotPx) => timeTickSpace(max - min, plotPx),
      incrs: TIME_TICK_INCREMENTS,
      values: (_u, ticks, _axis, _space, increment) => formatTimeTicks(ticks, increment),
      // One line of labels (uPlot's default leaves room for a second, date line).
      size: 32,
    },
    { stroke: colors.axis, grid: { stroke: colors.grid }, ticks: { stroke: colors.grid }, size: Y_AXIS_WIDTH },
  ];
}

// Keep at least a 40 bpm span so a steady resting rate is not drawn as a jagged line.
export function paddedRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return [40, 120];
  const mid = (min + max) / 2;
  const half = Math.max(20, (max - min) / 2 + 5);
  return [Math.max(0, Math.floor(mid - half)), Math.ceil(mid + half)];
}

// A recorded session drawn whole, with zoom: drag across the chart (a mouse) or the zoom buttons (any pointer,
// the keyboard) narrow the time axis; `pan` moves along it (a phone cannot drag-zoom, and a zoomed part would
// otherwise be stuck in the middle); double-click or `reset` shows the whole session again.
import uPlot from 'uplot';
import type { SessionSeries } from '../../core/session-series.ts';
import { TIME_LABEL_OVERHANG } from './time-axis.ts';
import { readChartColors } from './chart-colors.ts';
import { heartRateAxes, paddedRange } from './hr-chart.ts';

export interface SeriesChartHandle {
  /** Narrows (factor < 1) or widens (factor > 1) the shown time around its middle, within the session. */
  zoom(factor: number): void;
  /** Moves the shown time by half its width, earlier (-1) or later (1), keeping its width, within the session. */
  pan(direction: -1 | 1): void;
  reset(): void;
  resize(width: number, height: number): void;
  destroy(): void;
}

// Shown no narrower than this: a few readings still make a line.
const MIN_SPAN_S = 10;

/** uPlot's columns: seconds (its time unit) and bpm, a contact gap (bpm 0) as null so it is drawn as a gap. */
export function toChartColumns(series: SessionSeries): [Float64Array, Array<number | null>] {
  const times = new Float64Array(series.length);
  const values = new Array<number | null>(series.length);
  for (let i = 0; i < series.length; i++) {
    times[i] = (series.t[i] ?? 0) / 1000;
    const bpm = series.bpm[i] ?? 0;
    values[i] = bpm > 0 ? bpm : null;
  }
  return [times, values];
}

export function createSeriesChart(
  target: HTMLElement,
  series: SessionSeries,
  opts: { width: number; height: number; zoomed?: (range: { from: number; to: number } | null) => void },
): SeriesChartHandle {
  const data = toChartColumns(series);
  const first = data[0][0] ?? 0;
  const last = data[0][series.length - 1] ?? first;
  const colors = readChartColors(target);
  const plot = new uPlot(
    {
      width: opts.width,
      height: opts.height,
      legend: { show: false },
      padding: [12, TIME_LABEL_OVERHANG, 0, 0],
      cursor: { drag: { x: true, y: false, setScale: true } },
      scales: { x: { time: true }, y: { auto: true, range: (_u, min, max) => paddedRange(min, max) } },
      axes: heartRateAxes(colors),
      series: [{}, { label: 'bpm', stroke: colors.line, width: 1.5, points: { show: false } }],
      hooks: {
        setScale: [
          (u, key) => {
            if (key !== 'x') return;
            const { min, max } = u.scales.x ?? {};
            const whole = min === undefined || max === undefined || (min <= first && max >= last);
            opts.zoomed?.(whole ? null : { from: (min ?? first) * 1000, to: (max ?? last) * 1000 });
          },
        ],
      },
    },
    data,
    target,
  );

  function show(min: number, max: number): void {
    plot.setScale('x', { min: Math.max(first, min), max: Math.min(last, max) });
  }

  return {
    zoom(factor) {
      const { min = first, max = last } = plot.scales.x ?? {};
      const middle = (min + max) / 2;
      const half = Math.max(MIN_SPAN_S, (max - min) * factor) / 2;
      show(middle - half, middle + half);
    },
    pan(direction) {
      const { min = first, max = last } = plot.scales.x ?? {};
      const shift = Math.min(last - max, Math.max(first - min, (direction * (max - min)) / 2));
      plot.setScale('x', { min: min + shift, max: max + shift });
    },
    reset: () => show(first, last),
    resize: (width, height) => plot.setSize({ width, height }),
    destroy: () => plot.destroy(),
  };
}

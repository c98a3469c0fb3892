// Bench page (never part of the app bundle): the app's own session state and chart, fed synthetic readings.
import { SessionState } from '../../../src/lib/state/session.svelte.ts';
import { createHeartRateChart } from '../../../src/lib/chart/hr-chart.ts';
import type { TimedReading } from '../../../src/lib/sensor/heart-rate-source.ts';

declare global {
  interface Window {
    benchChartUpdate(points: number, draws: number): Promise<{ medianMs: number; p95Ms: number; points: number }>;
    benchSession(readings: number, perFrame: number): Promise<{ readings: number; charted: number }>;
  }
}

const target = document.getElementById('chart') as HTMLElement;
const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

function reading(i: number, t: number): TimedReading {
  const bpm = 60 + Math.round(50 + 40 * Math.sin(i / 300));
  return { reading: { bpm, contact: 'detected', rrMs: [Math.round(60_000 / bpm)] }, receivedAt: t };
}

// Chart update cost: one redraw of the 60-minute window holding `points` readings (24 h at 1 Hz squeezed
// into the window is the same drawing work as a 24 h window).
window.benchChartUpdate = async (points, draws) => {
  const session = new SessionState(null);
  const end = Date.now();
  const stepMs = (60 * 60_000) / points;
  for (let i = 0; i < points; i += 1) session.add(reading(i, end - (points - i) * stepMs));
  const chart = createHeartRateChart(target, session.series, { width: 800, height: 220, minutes: 60, now: () => end / 1000 });
  const times: number[] = [];
  for (let i = -10; i < draws; i += 1) {
    await nextFrame();
    const start = performance.now();
    chart.drawNow();
    if (i >= 0) times.push(performance.now() - start); // the first ten warm up the JIT
  }
  chart.destroy();
  times.sort((a, b) => a - b);
  return {
    medianMs: times[Math.floor(times.length / 2)] ?? NaN,
    p95Ms: times[Math.floor(times.length * 0.95)] ?? NaN,
    points: session.series.length,
  };
};

// Heap growth: readings flow exactly as in the app (session.add → onData → chart.invalidate, drawn per frame).
let keep: SessionState | null = null;
window.benchSession = async (readings, perFrame) => {
  const session = new SessionState(null);
  keep = session;
  const chart = createHeartRateChart(target, session.series, { width: 800, height: 220, minutes: 60 });
  session.onData(() => chart.invalidate());
  const start = Date.now() - readings * 1000;
  for (let i = 0; i < readings; i += perFrame) {
    for (let j = i; j < Math.min(readings, i + perFrame); j += 1) session.add(reading(j, start + j * 1000));
    await nextFrame();
  }
  return { readings, charted: keep.series.length };
};

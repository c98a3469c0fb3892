// HRV cost: summarizeHrv over an 8-hour session (what a per-session summary pays), summarizeSpread (what each live
// refresh of SDNN and pNN50 pays), and RollingDfaAlpha1.push per beat (the live α1). Run: npx tsx tests/bench/hrv.ts [intervals]
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { RollingDfaAlpha1, correctArtefacts, dfaAlpha1, summarizeHrv, summarizeSpread } from '../../src/core/hrv-measures.ts';
import { brownianRr, injectArtefacts, whiteNoiseRr } from '../unit/core/support/synthetic-rr.ts';

export interface HrvBench {
  intervals: number;
  hours: number;
  artefacts: number;
  /** Median and worst of `runs` calls, ms. */
  summarize: { median: number; max: number };
  spread: { median: number; max: number };
  correct: { median: number; max: number };
  dfa: { median: number; max: number };
  /** Mean per push over the whole session, and the mean of the pushes that recomputed, µs. */
  push: { meanUs: number; recomputeMeanUs: number; recomputes: number };
  runs: number;
  loadAverage: number;
  cores: number;
  cpu: string;
}

/** A slow Brownian drift with white beat-to-beat noise on top, and an artefact every 60..100 beats. */
function eightHourSession(intervals: number): { rr: number[]; artefacts: number } {
  const drift = brownianRr(1, intervals, 3);
  const noise = whiteNoiseRr(2, intervals, 25);
  const clean = drift.map((value, i) => value + (noise[i] ?? 800) - 800);
  const { rr, positions } = injectArtefacts(clean, ['ectopic', 'missed', 'extra'], [0.4, 0.5, 0.6]);
  return { rr, artefacts: positions.length };
}

function timed(runs: number, work: () => void): { median: number; max: number } {
  work(); // compiled before timing
  const times = Array.from({ length: runs }, () => {
    const started = performance.now();
    work();
    return performance.now() - started;
  }).sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)] ?? NaN, max: times[runs - 1] ?? NaN };
}

export function benchHrv(intervals = 36_000, runs = 21): HrvBench {
  const { rr, artefacts } = eightHourSession(intervals);
  const typed = Float64Array.from(rr);
  const summarize = timed(runs, () => summarizeHrv(typed));
  const spread = timed(runs, () => summarizeSpread(typed));
  const correct = timed(runs, () => correctArtefacts(typed));
  const corrected = correctArtefacts(typed).rr;
  const dfa = timed(runs, () => dfaAlpha1(corrected));

  const rolling = new RollingDfaAlpha1();
  let recomputes = 0;
  let recomputeMs = 0;
  const started = performance.now();
  let previous: number | null = null;
  for (const value of rr) {
    const before = performance.now();
    rolling.push(value);
    // A changed value means the push recomputed (an unchanged recomputation is counted as a plain push).
    if (rolling.value !== previous) {
      recomputes++;
      recomputeMs += performance.now() - before;
      previous = rolling.value;
    }
  }
  const pushMs = performance.now() - started;
  const hours = rr.reduce((sum, value) => sum + value, 0) / 3_600_000;
  return {
    intervals: rr.length,
    hours,
    artefacts,
    summarize,
    spread,
    correct,
    dfa,
    push: { meanUs: (pushMs * 1000) / rr.length, recomputeMeanUs: (recomputeMs * 1000) / recomputes, recomputes },
    runs,
    loadAverage: loadavg()[0] ?? 0,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
  };
}

export function formatHrvBench(b: HrvBench): string {
  const ms = (t: { median: number; max: number }): string => `median ${t.median.toFixed(2)} ms, worst ${t.max.toFixed(2)} ms`;
  return [
    `HRV: ${b.intervals.toLocaleString('en-US')} RR intervals (${b.hours.toFixed(1)} h), ${b.artefacts} artefact intervals injected, ${b.runs} runs — ${b.cores} cores (${b.cpu})`,
    `  summarizeHrv:     ${ms(b.summarize)}`,
    `  summarizeSpread:  ${ms(b.spread)} (a live refresh)`,
    `  correctArtefacts: ${ms(b.correct)}`,
    `  dfaAlpha1:        ${ms(b.dfa)}`,
    `  RollingDfaAlpha1.push: ${b.push.meanUs.toFixed(2)} µs per beat on average; ${b.push.recomputes.toLocaleString('en-US')} recomputations, ${b.push.recomputeMeanUs.toFixed(1)} µs each`,
    `  load average ${b.loadAverage.toFixed(1)} at the end`,
  ].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const intervals = process.argv[2] === undefined ? undefined : Number(process.argv[2]);
  console.log(formatHrvBench(benchHrv(intervals)));
}

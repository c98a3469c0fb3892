// Synthetic RR series with known scaling, each from a seed so a failing fast-check case replays exactly:
// white noise (DFA α1 ≈ 0.5), 1/f noise (≈ 1.0) and Brownian motion (≈ 1.5), all around 800 ms (75 bpm).

/** mulberry32: a small, well-mixed 32-bit PRNG; uniform in [0, 1). */
function uniformSource(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller. */
function gaussianSource(seed: number): () => number {
  const uniform = uniformSource(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Independent intervals: 800 ms ± `sdMs` Gaussian. */
export function whiteNoiseRr(seed: number, length: number, sdMs = 40): Float64Array {
  const gaussian = gaussianSource(seed);
  return Float64Array.from({ length }, () => 800 + sdMs * gaussian());
}

/**
 * 1/f noise by spectral synthesis: a cosine at each frequency k/N with amplitude k^−½ (power ∝ 1/f) and a
 * random phase, scaled to `sdMs`. Direct sums, O(N²): fine for the few hundred beats a test uses.
 */
export function pinkNoiseRr(seed: number, length: number, sdMs = 40): Float64Array {
  const uniform = uniformSource(seed);
  const harmonics = Math.floor(length / 2);
  const phases = Float64Array.from({ length: harmonics }, () => 2 * Math.PI * uniform());
  const values = new Float64Array(length);
  for (let t = 0; t < length; t++) {
    let sum = 0;
    for (let k = 1; k <= harmonics; k++) sum += Math.cos((2 * Math.PI * k * t) / length + (phases[k - 1] ?? 0)) / Math.sqrt(k);
    values[t] = sum;
  }
  return scaledAround800(values, sdMs);
}

/**
 * Brownian motion: a cumulative sum of Gaussian steps of `stepMs`, reflected at 500 and 1200 ms so it stays a
 * plausible heart rhythm (50..120 bpm). Small steps keep every beat within the artefact rule's 20 %.
 */
export function brownianRr(seed: number, length: number, stepMs = 6): Float64Array {
  const gaussian = gaussianSource(seed);
  const values = new Float64Array(length);
  let value = 800;
  for (let i = 0; i < length; i++) {
    value += stepMs * gaussian();
    if (value < 500) value = 1000 - value;
    if (value > 1200) value = 2400 - value;
    values[i] = value;
  }
  return values;
}

export type Artefact = 'ectopic' | 'missed' | 'extra';

/**
 * Injects one artefact every 60..100 beats (never within 12 beats of the ends, so each is judged against a
 * clean local median): an ectopic beat (55 % of the interval, then a pause making up the two intervals it replaces), a missed beat (two
 * intervals merged into one, about double) or an extra beat (one interval split in two). Returns the series
 * and the positions, in it, of every artefact interval.
 */
export function injectArtefacts(clean: Float64Array, kinds: Artefact[], splits: number[]): { rr: number[]; positions: number[] } {
  const rr: number[] = [];
  const positions: number[] = [];
  let next = 30;
  let k = 0;
  for (let i = 0; i < clean.length; i++) {
    const value = clean[i] ?? NaN;
    const kind = kinds[k % kinds.length];
    if (i !== next || i + 13 > clean.length || kind === undefined) {
      rr.push(value);
      continue;
    }
    if (kind === 'ectopic') {
      // The premature beat and its pause span the two intervals they replace (a full compensatory pause).
      const premature = value * 0.55;
      positions.push(rr.length, rr.length + 1);
      rr.push(premature, value + (clean[i + 1] ?? NaN) - premature);
      i++;
    } else if (kind === 'missed') {
      positions.push(rr.length);
      rr.push(value + (clean[i + 1] ?? NaN));
      i++;
    } else {
      const split = splits[k % splits.length] ?? 0.5;
      positions.push(rr.length, rr.length + 1);
      rr.push(value * split, value * (1 - split));
    }
    k++;
    next = i + 60 + ((k * 17) % 41);
  }
  return { rr, positions };
}

function scaledAround800(values: Float64Array, sdMs: number): Float64Array {
  let mean = 0;
  for (const value of values) mean += value / values.length;
  let variance = 0;
  for (const value of values) variance += (value - mean) ** 2 / values.length;
  const scale = sdMs / Math.sqrt(variance);
  return values.map((value) => 800 + (value - mean) * scale);
}

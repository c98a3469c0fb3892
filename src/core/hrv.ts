// RMSSD, the short-term heart-rate-variability measure, with the simple artefact rejection that keeps
// one missed or extra beat from dominating it.

/** Physiological RR range: 300 ms is 200 bpm, 2000 ms is 30 bpm. */
export const MIN_RR_MS = 300;
export const MAX_RR_MS = 2000;
/** Successive beats rarely differ by more than 20 %; larger jumps are usually missed or ectopic beats. */
export const MAX_RR_CHANGE = 0.2;

/** RMSSD in ms over the accepted RR intervals, or null when fewer than 2 successive differences remain. */
export function rmssd(rrMs: ArrayLike<number>): number | null {
  const accumulator = new RmssdAccumulator();
  for (let i = 0; i < rrMs.length; i++) accumulator.push(rrMs[i] ?? NaN);
  return accumulator.value;
}

/**
 * Streaming RMSSD, O(1) per interval. An interval is rejected when it lies outside 300..2000 ms or
 * differs by more than 20 % from the previous accepted one.
 *
 * One addition to that rule: if two consecutive in-range intervals are both rejected yet agree with each
 * other within 20 %, the rhythm itself has moved (typically after a disconnect, or a sharp effort change)
 * and the second becomes the new reference. Without this a single shift would reject every later beat.
 * No difference is taken across the shift.
 */
export class RmssdAccumulator {
  private sumOfSquares = 0;
  private differences = 0;
  private previous: number | null = null;
  private rejectedCandidate: number | null = null;

  push(rrMs: number): void {
    if (!(rrMs >= MIN_RR_MS && rrMs <= MAX_RR_MS)) return;
    if (this.previous === null) {
      this.previous = rrMs;
      return;
    }
    if (isSmallChange(this.previous, rrMs)) {
      const difference = rrMs - this.previous;
      this.sumOfSquares += difference * difference;
      this.differences++;
      this.previous = rrMs;
      this.rejectedCandidate = null;
      return;
    }
    if (this.rejectedCandidate !== null && isSmallChange(this.rejectedCandidate, rrMs)) {
      this.previous = rrMs;
      this.rejectedCandidate = null;
      return;
    }
    this.rejectedCandidate = rrMs;
  }

  get value(): number | null {
    return this.differences < 2 ? null : Math.sqrt(this.sumOfSquares / this.differences);
  }

  /** Number of successive differences behind the value. */
  get count(): number {
    return this.differences;
  }
}

/** True when `rrMs` is within MAX_RR_CHANGE of `reference`. */
export function isSmallChange(reference: number, rrMs: number): boolean {
  return Math.abs(rrMs - reference) <= reference * MAX_RR_CHANGE;
}

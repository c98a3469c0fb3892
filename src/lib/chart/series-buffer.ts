/**
 * Heart-rate time series kept outside Svelte's reactivity: the chart reads contiguous typed-array views.
 *
 * Storage is twice the capacity; when the write position reaches the end, the newest `capacity` points
 * move to the front. That keeps every window contiguous (uPlot takes subarray views, no copying per frame)
 * at an amortised cost of one copied point per appended point.
 */
export class SeriesBuffer {
  readonly capacity: number;
  private readonly times: Float64Array; // seconds since epoch (uPlot's time unit)
  private readonly values: Float32Array;
  private start = 0;
  private end = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.capacity = capacity;
    this.times = new Float64Array(capacity * 2);
    this.values = new Float32Array(capacity * 2);
  }

  get length(): number {
    return this.end - this.start;
  }

  get lastTime(): number | null {
    return this.length === 0 ? null : (this.times[this.end - 1] ?? null);
  }

  push(timeSeconds: number, value: number): void {
    if (this.end === this.times.length) this.compact();
    this.times[this.end] = timeSeconds;
    this.values[this.end] = value;
    this.end += 1;
    if (this.end - this.start > this.capacity) this.start += 1;
  }

  /**
   * Adds a point in time order. A late point (a resent reading) is slotted in place; it costs a shift of the
   * points after it, which for a resend is a handful.
   */
  insert(timeSeconds: number, value: number): void {
    const last = this.lastTime;
    if (last === null || timeSeconds >= last) {
      this.push(timeSeconds, value);
      return;
    }
    if (this.end === this.times.length) this.compact();
    const at = this.lowerBound(timeSeconds);
    this.times.copyWithin(at + 1, at, this.end);
    this.values.copyWithin(at + 1, at, this.end);
    this.times[at] = timeSeconds;
    this.values[at] = value;
    this.end += 1;
    if (this.end - this.start > this.capacity) this.start += 1;
  }

  /** Points with time ≥ fromSeconds, as views into the buffer (valid until the next push). */
  window(fromSeconds: number): { times: Float64Array; values: Float32Array } {
    const first = this.lowerBound(fromSeconds);
    return { times: this.times.subarray(first, this.end), values: this.values.subarray(first, this.end) };
  }

  all(): { times: Float64Array; values: Float32Array } {
    return { times: this.times.subarray(this.start, this.end), values: this.values.subarray(this.start, this.end) };
  }

  clear(): void {
    this.start = 0;
    this.end = 0;
  }

  private compact(): void {
    this.times.copyWithin(0, this.start, this.end);
    this.values.copyWithin(0, this.start, this.end);
    this.end -= this.start;
    this.start = 0;
  }

  // Readings arrive in receive-time order, so a binary search finds the window start.
  private lowerBound(t: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? 0) < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

// Running summary of a session, O(1) per reading so it can update on every notification.

export class SessionStats {
  private n = 0;
  private sum = 0;
  private lowest = Infinity;
  private highest = -Infinity;
  private earliest = Infinity;
  private latest = -Infinity;

  /** A bpm of 0 (a contact gap) or anything not a positive number is not a reading and is ignored. */
  add(t: number, bpm: number): void {
    if (!(bpm > 0) || !Number.isFinite(bpm) || !Number.isFinite(t)) return;
    this.n++;
    this.sum += bpm;
    if (bpm < this.lowest) this.lowest = bpm;
    if (bpm > this.highest) this.highest = bpm;
    // Min and max rather than first and last added: retried readings can arrive out of order.
    if (t < this.earliest) this.earliest = t;
    if (t > this.latest) this.latest = t;
  }

  get count(): number {
    return this.n;
  }

  get min(): number | null {
    return this.n === 0 ? null : this.lowest;
  }

  get max(): number | null {
    return this.n === 0 ? null : this.highest;
  }

  get average(): number | null {
    return this.n === 0 ? null : this.sum / this.n;
  }

  get firstT(): number | null {
    return this.n === 0 ? null : this.earliest;
  }

  get lastT(): number | null {
    return this.n === 0 ? null : this.latest;
  }
}

import type { HeartRateSource, SourceListener } from './heart-rate-source.ts';

export interface DemoTimers {
  /** Calls `tick` every `ms` until the returned function is called. */
  every: (ms: number, tick: () => void) => () => void;
  now: () => number;
}

/**
 * A clearly labelled stand-in sensor: a heart rate that drifts between rest and effort, with beat-to-beat
 * RR intervals around 60000/bpm, one notification a second like a real strap.
 */
export class DemoHeartRateSensor implements HeartRateSource {
  readonly kind = 'demo' as const;
  private cancelTimer: () => void = () => {};
  private bpm = 72;
  private target = 72;
  private carryMs = 0;

  constructor(
    private readonly listener: SourceListener,
    private readonly timers: DemoTimers,
    private readonly random: () => number = Math.random,
    private readonly intervalMs = 1000,
  ) {}

  start(): void {
    this.listener.info({ name: 'Demo sensor', batteryPercent: 100 });
    this.listener.status('live');
    this.cancelTimer = this.timers.every(this.intervalMs, () => this.tick());
  }

  async stop(): Promise<void> {
    this.cancelTimer();
    this.listener.status('idle');
  }

  private tick(): void {
    if (this.random() < 0.02) this.target = 60 + Math.round(this.random() * 110);
    this.bpm += (this.target - this.bpm) * 0.08 + (this.random() - 0.5) * 2;
    const bpm = Math.round(this.bpm);
    this.listener.reading({
      reading: { bpm, contact: 'detected', rrMs: this.beatsIn(this.intervalMs, bpm) },
      receivedAt: this.timers.now(),
    });
  }

  // The beats that completed during this notification interval, each with a little natural variability.
  private beatsIn(elapsedMs: number, bpm: number): number[] {
    const rr: number[] = [];
    this.carryMs += elapsedMs;
    const mean = 60_000 / bpm;
    for (;;) {
      const beat = Math.round(mean + (this.random() - 0.5) * 0.08 * mean);
      if (beat > this.carryMs) break;
      rr.push(beat);
      this.carryMs -= beat;
    }
    return rr;
  }
}

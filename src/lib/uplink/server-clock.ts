// The page's view of the server clock: samples from answers the app gets anyway (config.json and the stream's
// PutRecords answers carry a `Date` header, the live API a `serverTime`), and the correction core's estimator
// draws from them (src/core/clock-offset.ts). The uplink adds it to each new reading's `t`.
import { addClockSample, clockCorrectionOf, estimateClockOffset, parseHttpDate, type ClockSample } from '../../core/clock-offset.ts';

export class ServerClock {
  private samples: ClockSample[] = [];
  private correction = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** ms to add to a device time to get server time (0 until a sample shows the device clock is off). */
  get correctionMs(): number {
    return this.correction;
  }

  /** A device time as server time. */
  toServerTime(deviceMs: number): number {
    return deviceMs + this.correction;
  }

  observe(sample: ClockSample): void {
    this.samples = addClockSample(this.samples, sample);
    this.correction = clockCorrectionOf(estimateClockOffset(this.samples));
  }

  /** An HTTP answer's `Date` header (whole seconds); an absent or unreadable one is ignored. */
  observeDateHeader(sentAt: number, receivedAt: number, date: string | null | undefined): void {
    const serverTime = parseHttpDate(date);
    if (serverTime !== null) this.observe({ sentAt, receivedAt, serverTime, resolutionMs: 1000 });
  }

  /** Wraps fetch so that every answer's `Date` header is a sample. */
  sampling(fetchFn: typeof fetch): typeof fetch {
    return async (input, init) => {
      const sentAt = this.now();
      const response = await fetchFn(input, init);
      this.observeDateHeader(sentAt, this.now(), response.headers.get('date'));
      return response;
    };
  }
}

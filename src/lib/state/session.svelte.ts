import { SessionStats } from '../../core/session-stats.ts';
import { RmssdAccumulator } from '../../core/hrv.ts';
import { LiveHrv } from '../../core/live-hrv.ts';
import { normalizeDisplayName } from '../../core/display-name.ts';
import { DEFAULT_MAX_HR, addZoneTime, isPlausibleMaxHr, timeInZones } from '../../core/zones.ts';
import { SeriesBuffer } from '../chart/series-buffer.ts';
import type { Contact } from '../../core/hr-packet.ts';
import type { TimedReading } from '../sensor/heart-rate-source.ts';
import { safeLocalStorage } from '../safe-local-storage.ts';

// 48 h at one reading a second; older points leave the chart (statistics keep counting).
const CHART_CAPACITY = 172_800;
const MAX_HR_KEY = 'liveheartrate.maxHr';
const DISPLAY_NAME_KEY = 'liveheartrate.displayName';

/** The broadcaster's session as the person sees it: current value, chart data, statistics, zones, HRV. */
export class SessionState {
  /** Chart data lives outside reactivity; `dataVersion` tells views that it changed. */
  readonly series = new SeriesBuffer(CHART_CAPACITY);
  private readonly stats = new SessionStats();
  private readonly hrv = new RmssdAccumulator();
  private readonly liveHrv = new LiveHrv(() => performance.now());
  private zoneTotalsMs = [0, 0, 0, 0, 0, 0];
  /** The last charted reading, whose zone the time until the next one is credited to. */
  private previous: { atMs: number; bpm: number } | null = null;
  private readonly dataListeners = new Set<() => void>();
  private readonly profileListeners = new Set<() => void>();

  bpm = $state<number | null>(null);
  contact = $state<Contact>('unsupported');
  lastReadingAt = $state<number | null>(null);
  energyKj = $state<number | null>(null);
  count = $state(0);
  min = $state<number | null>(null);
  max = $state<number | null>(null);
  average = $state<number | null>(null);
  rmssd = $state<number | null>(null);
  /** SDNN (ms) and pNN50 (%) of the session so far, DFA α1 of the last 2 minutes: refreshed at most once a second. */
  sdnn = $state<number | null>(null);
  pnn50 = $state<number | null>(null);
  dfaAlpha1 = $state<number | null>(null);
  rrCount = $state(0);
  /** Milliseconds in zones 0..5 (core's addZoneTime rule). */
  zonesMs = $state.raw<readonly number[]>([0, 0, 0, 0, 0, 0]);
  maxHr = $state(DEFAULT_MAX_HR);
  /** The name viewers see (src/core/display-name.ts); '' for none. */
  displayName = $state('');
  /** Whether the person ever set a display name or max HR on this device: only then is either sent to viewers. */
  profileChosen = false;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | null = safeLocalStorage()) {
    const saved = Number(storage?.getItem(MAX_HR_KEY));
    if (isPlausibleMaxHr(saved)) this.maxHr = saved;
    this.displayName = normalizeDisplayName(storage?.getItem(DISPLAY_NAME_KEY) ?? '') ?? '';
    this.profileChosen = (storage?.getItem(DISPLAY_NAME_KEY) ?? null) !== null || (storage?.getItem(MAX_HR_KEY) ?? null) !== null;
  }

  add({ reading, receivedAt }: TimedReading): void {
    this.contact = reading.contact;
    this.lastReadingAt = receivedAt;
    if (reading.energyKj !== undefined) this.energyKj = reading.energyKj;
    // A 0 (seen from Garmin watches on contact loss) is a gap, not a heart rate.
    if (reading.bpm === 0) {
      this.bpm = null;
      return;
    }
    const t = receivedAt / 1000;
    this.bpm = reading.bpm;
    this.series.push(t, reading.bpm);
    this.stats.add(receivedAt, reading.bpm);
    if (this.previous) addZoneTime(this.zoneTotalsMs, this.previous.atMs, receivedAt, this.previous.bpm, this.maxHr);
    this.previous = { atMs: receivedAt, bpm: reading.bpm };
    this.zonesMs = [...this.zoneTotalsMs];
    for (const rr of reading.rrMs) {
      this.hrv.push(rr);
      this.liveHrv.push(rr);
    }
    this.refreshHrv(receivedAt);
    this.rrCount += reading.rrMs.length;
    this.count = this.stats.count;
    this.min = this.stats.min;
    this.max = this.stats.max;
    this.average = this.stats.average;
    this.rmssd = this.hrv.value;
    for (const listener of this.dataListeners) listener();
  }

  private refreshHrv(nowMs: number): void {
    const values = this.liveHrv.refresh(nowMs);
    if (!values) return;
    this.sdnn = values.sdnn;
    this.pnn50 = values.pnn50;
    this.dfaAlpha1 = values.dfaAlpha1;
  }

  setMaxHr(value: number): boolean {
    if (!isPlausibleMaxHr(value)) return false;
    this.maxHr = value;
    this.storage?.setItem(MAX_HR_KEY, String(value));
    // The whole charted session again under the new zones; the chart keeps times in seconds (uPlot's unit).
    const { times, values } = this.series.all();
    this.zoneTotalsMs = timeInZones(times.map((t) => t * 1000), values, times.length, value);
    this.zonesMs = [...this.zoneTotalsMs];
    this.profileChosen = true;
    for (const listener of this.profileListeners) listener();
    return true;
  }

  /** Saves the display name on this device, as the core rule normalizes it; false (nothing changed) when the rule refuses it. */
  setDisplayName(value: string): boolean {
    const name = normalizeDisplayName(value);
    if (name === null) return false;
    this.displayName = name;
    this.storage?.setItem(DISPLAY_NAME_KEY, name);
    this.profileChosen = true;
    for (const listener of this.profileListeners) listener();
    return true;
  }

  /** Called when the display name or max HR changed (viewers are told); returns an unsubscribe function. */
  onProfileChange(listener: () => void): () => void {
    this.profileListeners.add(listener);
    return () => this.profileListeners.delete(listener);
  }

  /** Called after each charted reading; returns an unsubscribe function. */
  onData(listener: () => void): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }
}

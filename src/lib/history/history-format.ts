// How the history shows dates, durations and sizes: short, in the person's locale, never "NaN".

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h > 0) return `${h} h ${m} min`;
  return m > 0 ? `${m} min ${s % 60} s` : `${s} s`;
}

// One formatter for all rows: toLocaleString with options builds a new one per call, which made a list of 500
// sessions take over 300 ms (BENCHMARKS.md, "History on the device").
const START_FORMAT = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit' });

export function formatStart(ms: number): string {
  return START_FORMAT.format(ms);
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

/** "Zone 2: 12 min 0 s, Zone 3: 40 s": the zones a session spent time in, as text beside the coloured bar. */
export function describeZones(zonesMs: readonly number[]): string {
  const parts = zonesMs.flatMap((ms, zone) => (ms > 0 ? [`${zone === 0 ? 'Below zone 1' : `Zone ${zone}`}: ${formatDuration(ms)}`] : []));
  return parts.length ? parts.join(', ') : 'No time in zones';
}

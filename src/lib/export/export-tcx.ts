// The session as a Training Center XML (TCX v2) activity, the file Strava and Garmin Connect import: one
// activity, one lap with the session's totals, one trackpoint per reading with a heart rate. Both services check
// the schema's element order (xsd:sequence), so every element below is written in the order of
// TrainingCenterDatabasev2.xsd, and optional ones are left out rather than written empty.
import type { SessionSeries } from '../../core/session-series.ts';
import { checkedStart, elapsedSeconds, exportableBpm, isExportableTime, sessionKilocalories, summarizeHeartRate, type ExportMeta } from './export-readings.ts';

export const TCX_NAMESPACE = 'http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2';

// Calories is an xsd:unsignedShort.
const MAX_CALORIES = 0xffff;

export function toTcx(series: SessionSeries, meta: ExportMeta): string {
  const start = new Date(checkedStart(meta)).toISOString();
  const heartRate = summarizeHeartRate(series);
  const lap = [
    `<TotalTimeSeconds>${formatSeconds(elapsedSeconds(series, meta.startedAt))}</TotalTimeSeconds>`,
    '<DistanceMeters>0</DistanceMeters>',
    `<Calories>${Math.min(MAX_CALORIES, sessionKilocalories(series))}</Calories>`,
    heartRate.average === null ? '' : `<AverageHeartRateBpm><Value>${heartRate.average}</Value></AverageHeartRateBpm>`,
    heartRate.maximum === null ? '' : `<MaximumHeartRateBpm><Value>${heartRate.maximum}</Value></MaximumHeartRateBpm>`,
    '<Intensity>Active</Intensity>',
    '<TriggerMethod>Manual</TriggerMethod>',
    trackOf(series),
  ];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<TrainingCenterDatabase xmlns="${TCX_NAMESPACE}">`,
    '<Activities>',
    '<Activity Sport="Other">',
    `<Id>${start}</Id>`,
    `<Lap StartTime="${start}">${lap.join('')}</Lap>`,
    meta.name ? `<Notes>${escapeXml(meta.name)}</Notes>` : '',
    '</Activity>',
    '</Activities>',
    '</TrainingCenterDatabase>',
    '',
  ].join('\n');
}

// A Track must hold at least one Trackpoint, so a session without any heart rate has no Track at all. Readings
// without contact are left out: a trackpoint without heart rate would draw a 0 in some tools, and the gap in
// time already shows the break.
function trackOf(series: SessionSeries): string {
  const points: string[] = [];
  for (let i = 0; i < series.length; i++) {
    const t = series.t[i] ?? NaN;
    const bpm = exportableBpm(series.bpm[i] ?? 0);
    if (bpm === null || !isExportableTime(t)) continue;
    points.push(`<Trackpoint><Time>${new Date(t).toISOString()}</Time><HeartRateBpm><Value>${bpm}</Value></HeartRateBpm></Trackpoint>`);
  }
  return points.length === 0 ? '' : `<Track>\n${points.join('\n')}\n</Track>`;
}

function formatSeconds(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

// XML 1.0 cannot hold most control characters even escaped, so they are dropped from free text.
function escapeXml(text: string): string {
  return Array.from(text)
    .filter(isXmlCharacter)
    .join('')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

function isXmlCharacter(character: string): boolean {
  const code = character.codePointAt(0) ?? 0;
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff);
}

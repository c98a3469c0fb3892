// The RR intervals as plain text, one interval in milliseconds per line: the file Kubios HRV, Elite HRV and HRV
// Logger import. Every interval the sensor sent goes out as sent: artefacts (missed or extra beats) are NOT
// removed, because each HRV tool has its own correction and must see the raw series to apply it. Readings
// without RR intervals (most watches) add nothing, so a session without any gives an empty file.
import { allRrIntervals, type SessionSeries } from '../../core/session-series.ts';

export function toRrText(series: SessionSeries): string {
  const intervals = allRrIntervals(series);
  let text = '';
  for (const ms of intervals) text += `${ms}\n`;
  return text;
}

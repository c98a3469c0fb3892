// The session as a FIT activity file, written with Garmin's FIT SDK: what Garmin Connect, Strava and most
// training tools import natively. The messages are those of a minimal activity in the order a device writes
// them: file id, device info, timer start, the records (one per reading) with the RR intervals in hrv messages
// beside them, timer stop, then one lap, one session and the activity summing it up.
//
// This module pulls in the SDK (its profile alone is large), so the app loads it only when FIT is asked for
// (a dynamic import in ExportMenu.svelte).
import { Encoder, Profile, Utils, type ActivityMesg, type Mesg, type DeviceInfoMesg, type EventMesg, type FileIdMesg, type HrvMesg, type LapMesg, type RecordMesg, type SessionMesg } from '@garmin/fitsdk';
import type { SessionSeries } from '../../core/session-series.ts';
import { checkedStart, elapsedSeconds, exportableBpm, isExportableTime, sessionKilocalories, summarizeHeartRate, type ExportMeta } from './export-readings.ts';

// No FIT manufacturer id is ours; "development" with a product number of our choosing is what the SDK's
// documentation prescribes for such a file.
const PRODUCT = 1;
const SERIAL_NUMBER = 1;
// An hrv message holds up to five intervals.
const HRV_PER_MESSAGE = 5;
// hrv.time is a uint16 of milliseconds in which 0xFFFF means "no value".
const MAX_FIT_RR_MS = 0xfffe;
const MAX_CALORIES = 0xffff;

type MesgName = 'FILE_ID' | 'DEVICE_INFO' | 'EVENT' | 'RECORD' | 'HRV' | 'LAP' | 'SESSION' | 'ACTIVITY';
// The profile types MesgNum as any string; these are the ones this file writes, all in every profile version.
const MesgNum = Profile.MesgNum as Record<MesgName, number>;

/**
 * Readings without a heart rate (no contact) become records without heart_rate, so Garmin Connect and Strava show
 * the gap where it happened. Every RR interval goes into hrv messages after its reading's record, as sent.
 */
export function toFit(series: SessionSeries, meta: ExportMeta): Uint8Array {
  const startedAt = checkedStart(meta);
  const start = fitTime(startedAt);
  const elapsed = elapsedSeconds(series, startedAt);
  const end = fitTime(startedAt + elapsed * 1000);
  const heartRate = summarizeHeartRate(series);
  const totals = {
    startTime: start,
    totalElapsedTime: elapsed,
    totalTimerTime: elapsed,
    totalDistance: 0,
    totalCalories: Math.min(MAX_CALORIES, sessionKilocalories(series)),
    ...(heartRate.average === null ? {} : { avgHeartRate: heartRate.average }),
    ...(heartRate.maximum === null ? {} : { maxHeartRate: heartRate.maximum }),
  };
  const encoder = new Encoder();
  write<FileIdMesg>(encoder, MesgNum.FILE_ID, { type: 'activity', manufacturer: 'development', product: PRODUCT, serialNumber: SERIAL_NUMBER, timeCreated: start });
  write<DeviceInfoMesg>(encoder, MesgNum.DEVICE_INFO, { timestamp: start, deviceIndex: 'creator', manufacturer: 'development', product: PRODUCT, serialNumber: SERIAL_NUMBER });
  write<EventMesg>(encoder, MesgNum.EVENT, { timestamp: start, event: 'timer', eventType: 'start', eventGroup: 0 });
  writeReadings(encoder, series);
  write<EventMesg>(encoder, MesgNum.EVENT, { timestamp: end, event: 'timer', eventType: 'stopAll', eventGroup: 0 });
  write<LapMesg>(encoder, MesgNum.LAP, { messageIndex: 0, timestamp: end, event: 'lap', eventType: 'stop', sport: 'generic', ...totals });
  write<SessionMesg>(encoder, MesgNum.SESSION, { messageIndex: 0, timestamp: end, event: 'session', eventType: 'stop', sport: 'generic', subSport: 'generic', firstLapIndex: 0, numLaps: 1, ...totals });
  write<ActivityMesg>(encoder, MesgNum.ACTIVITY, { timestamp: end, totalTimerTime: elapsed, numSessions: 1, type: 'manual', event: 'activity', eventType: 'stop', localTimestamp: end - localOffsetSeconds(startedAt) });
  return encoder.close();
}

function writeReadings(encoder: Encoder, series: SessionSeries): void {
  for (let i = 0; i < series.length; i++) {
    const t = series.t[i] ?? NaN;
    if (isExportableTime(t)) {
      const bpm = exportableBpm(series.bpm[i] ?? 0);
      write<RecordMesg>(encoder, MesgNum.RECORD, { timestamp: fitTime(t), ...(bpm === null ? {} : { heartRate: bpm }) });
    }
    const intervals = Array.from(series.rr.subarray(series.rrStart[i], series.rrStart[i + 1])).filter((ms) => ms <= MAX_FIT_RR_MS);
    for (let from = 0; from < intervals.length; from += HRV_PER_MESSAGE) {
      write<HrvMesg>(encoder, MesgNum.HRV, { time: intervals.slice(from, from + HRV_PER_MESSAGE).map((ms) => ms / 1000) });
    }
  }
}

// Typed per message, so a misspelt field is a compile error rather than a field the encoder silently drops.
function write<T extends Mesg>(encoder: Encoder, mesgNum: number, mesg: T): void {
  encoder.onMesg(mesgNum, mesg);
}

/** Whole seconds since the FIT epoch (1989-12-31 UTC); FIT has no finer time on a record. */
function fitTime(epochMs: number): number {
  return Math.floor((epochMs - Utils.FIT_EPOCH_MS) / 1000);
}

// The activity's local_timestamp is the start's wall-clock time where the export is made: the only time zone the
// app knows (minutes west of UTC, as Date reports it).
function localOffsetSeconds(epochMs: number): number {
  return new Date(epochMs).getTimezoneOffset() * 60;
}

// What the person reads about the uplink: one headline that changes only when the situation does (it sits
// in a live region, so it must not flicker with every reading), and storage warnings.
import type { RetryReason } from './record-sender.ts';
import type { UplinkStatus } from './uplink-status.ts';

export type SummaryTone = 'ok' | 'busy' | 'warn' | 'bad' | 'quiet';

export interface UplinkSummary {
  tone: SummaryTone;
  headline: string;
}

export interface StorageWarning {
  tone: 'warn' | 'bad';
  text: string;
}

// A live session sends every reading as it arrives; a handful waiting is that, not a backlog.
export const LIVE_BACKLOG = 5;

const REASONS: Record<RetryReason, string> = {
  throttled: 'the stream is busy (throttled)',
  server: 'the stream had an internal error',
  network: 'the stream cannot be reached',
  credentials: 'no access to the stream right now',
  rejected: 'the stream refused the request',
  config: 'the stream settings (config.json) could not be loaded',
  storage: 'this device’s storage did not answer',
};

export function describeRetryReason(reason: RetryReason): string {
  return REASONS[reason];
}

export function summarizeUplink(s: UplinkStatus): UplinkSummary {
  switch (s.phase) {
    case 'starting':
      return { tone: 'quiet', headline: 'Getting ready…' };
    case 'offline':
      return { tone: 'warn', headline: 'Offline — readings are kept on this device and sent when you are back online' };
    case 'retrying':
      return {
        tone: s.retry?.reason === 'throttled' || s.retry?.reason === 'server' || s.retry?.reason === 'network' ? 'warn' : 'bad',
        headline: `Retrying: ${describeRetryReason(s.retry?.reason ?? 'network')}`,
      };
    case 'other-tab':
      return { tone: 'busy', headline: 'Another open tab is sending the readings' };
    case 'sending':
    case 'idle':
      if (s.waiting > LIVE_BACKLOG) return { tone: 'busy', headline: 'Sending waiting readings…' };
      if (s.waiting === 0 && !s.broadcasting) return { tone: 'quiet', headline: 'Not broadcasting' };
      if (s.waiting === 0 && s.lastAck === null && s.session === null) return { tone: 'quiet', headline: 'Nothing to send yet' };
      return { tone: 'ok', headline: 'All readings sent' };
  }
}

export function storageWarnings(s: UplinkStatus): StorageWarning[] {
  const warnings: StorageWarning[] = [];
  if (s.storage.writeError !== null) {
    const held = s.unsaved > 0 ? ` ${plural(s.unsaved, 'reading is', 'readings are')} held in memory only: keep this tab open.` : '';
    warnings.push({ tone: 'bad', text: `${s.storage.writeError}${held}` });
  }
  if (s.storage.short) {
    warnings.push({ tone: 'warn', text: `Storage is nearly full: room for ${formatHours(s.storage.headroomHours)} of readings while offline.` });
  }
  if (s.storage.persisted === false && s.waiting > LIVE_BACKLOG) {
    warnings.push({
      tone: 'warn',
      text: 'The browser may clear readings waiting on this device if it runs short of space. Installing the app protects them.',
    });
  }
  return warnings;
}

export function plural(n: number, one: string, many: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}

function formatHours(hours: number | null): string {
  if (hours === null) return 'a few hours';
  if (hours < 1) return 'less than an hour';
  return plural(Math.floor(hours), 'hour', 'hours');
}

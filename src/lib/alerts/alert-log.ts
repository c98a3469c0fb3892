// The alert log of each broadcast session, kept in localStorage so it survives a reload: a few recent sessions
// (by view id), each with its newest events. Bounded both ways, so a long session cannot fill the storage the
// outbox needs; what does not parse is ignored, never trusted.
import { ALERT_RULE_KINDS, type AlertRuleKind } from '../../core/alert-rules.ts';
import type { AlertEvent } from '../../core/alert-engine.ts';

export const ALERT_LOG_KEY = 'liveheartrate.alertLog';
export const ALERT_LOG_LIMITS = { sessions: 5, entries: 200 } as const;

/** An event as it happened, with the words it was shown with (the rule may change later). */
export interface AlertLogEntry extends AlertEvent {
  text: string;
}

interface StoredLogs {
  /** Most recently written first. */
  sessions: Array<{ id: string; entries: AlertLogEntry[] }>;
}

type LogStorage = Pick<Storage, 'getItem' | 'setItem'>;

export function readAlertLog(storage: LogStorage | null, sessionId: string): AlertLogEntry[] {
  return readAll(storage).sessions.find((s) => s.id === sessionId)?.entries ?? [];
}

/** Stores a session's whole log (its newest entries) as the most recent one. */
export function writeAlertLog(storage: LogStorage | null, sessionId: string, entries: readonly AlertLogEntry[]): void {
  if (!storage) return;
  const others = readAll(storage).sessions.filter((s) => s.id !== sessionId);
  const sessions = [{ id: sessionId, entries: entries.slice(-ALERT_LOG_LIMITS.entries) }, ...others].slice(0, ALERT_LOG_LIMITS.sessions);
  try {
    storage.setItem(ALERT_LOG_KEY, JSON.stringify({ sessions }));
  } catch {
    // Storage full or refused: the log still shows on this page.
  }
}

function readAll(storage: LogStorage | null): StoredLogs {
  let value: unknown;
  try {
    value = JSON.parse(storage?.getItem(ALERT_LOG_KEY) ?? 'null');
  } catch {
    return { sessions: [] };
  }
  const sessions = (value as Partial<StoredLogs> | null)?.sessions;
  if (!Array.isArray(sessions)) return { sessions: [] };
  return {
    sessions: sessions
      .filter((s): s is StoredLogs['sessions'][number] => typeof s?.id === 'string' && Array.isArray(s.entries))
      .map((s) => ({ id: s.id, entries: s.entries.filter(isEntry).slice(-ALERT_LOG_LIMITS.entries) })),
  };
}

function isEntry(value: unknown): value is AlertLogEntry {
  const e = value as Partial<AlertLogEntry> | null;
  return (
    typeof e?.ruleId === 'string' &&
    ALERT_RULE_KINDS.includes(e.kind as AlertRuleKind) &&
    (e.type === 'fired' || e.type === 'cleared') &&
    Number.isFinite(e.at) &&
    (e.value === null || Number.isFinite(e.value)) &&
    typeof e.text === 'string'
  );
}

// The viewer's own thresholds: a small form (high, low, hold time, no data) turned into alert rules, checked by
// the one strict parser (src/core/alert-rules.ts), and kept in this browser. One setting for every link, not
// one per view id: a broadcaster who starts again gets a new link, and a viewer's thresholds are about the
// person they watch, not about one link.
import { ALERT_LIMITS, DEFAULT_ALERT_SETTINGS, parseAlertSettings, type AlertSettings, type ParseAlertSettingsResult } from '../../core/alert-rules.ts';

const OWN_ALERTS_KEY = 'liveheartrate.viewerAlerts';

/** The form's fields as typed; an empty field turns its rule off. */
export interface OwnAlertForm {
  highBpm: string;
  lowBpm: string;
  holdS: string;
  noDataS: string;
}

export interface OwnAlertStore {
  load(): AlertSettings;
  save(settings: AlertSettings): void;
}

export function createOwnAlertStore(storage: Pick<Storage, 'getItem' | 'setItem'> | null): OwnAlertStore {
  let kept = DEFAULT_ALERT_SETTINGS;
  return {
    load() {
      try {
        const parsed = parseAlertSettings(JSON.parse(storage?.getItem(OWN_ALERTS_KEY) ?? 'null'));
        // Something else under the key (an older page, a hand edit) is not guessed at: no own alerts.
        if (parsed.ok) kept = parsed.settings;
      } catch {
        // Not JSON: the same.
      }
      return kept;
    },
    save(settings) {
      kept = settings;
      try {
        storage?.setItem(OWN_ALERTS_KEY, JSON.stringify(settings));
      } catch {
        // Storage full or refused: the setting holds for this page only.
      }
    },
  };
}

/** The form's values for saved settings (the rules this form makes: ids high, low and no-data). */
export function ownAlertFormOf(settings: AlertSettings): OwnAlertForm {
  const high = settings.rules.find((r) => r.kind === 'high');
  const low = settings.rules.find((r) => r.kind === 'low');
  const noData = settings.rules.find((r) => r.kind === 'no-data');
  return {
    highBpm: high ? String(high.bpm) : '',
    lowBpm: low ? String(low.bpm) : '',
    holdS: String(high?.forS ?? low?.forS ?? 10),
    noDataS: noData ? String(noData.forS) : '',
  };
}

/** The settings a filled-in form asks for, or why not (the parser's reason, or a field that is not a number). */
export function ownAlertSettingsFrom(form: OwnAlertForm): ParseAlertSettingsResult {
  const number = (field: string): number | null | 'bad' => {
    const text = field.trim();
    if (text === '') return null;
    return /^\d+$/.test(text) ? Number(text) : 'bad';
  };
  const high = number(form.highBpm);
  const low = number(form.lowBpm);
  const hold = number(form.holdS);
  const noData = number(form.noDataS);
  if (high === 'bad' || low === 'bad' || hold === 'bad' || noData === 'bad') return { ok: false, reason: 'enter whole numbers' };
  if (high !== null && low !== null && low >= high) return { ok: false, reason: 'the low threshold must be below the high one' };
  const forS = hold ?? 0;
  const rules: unknown[] = [];
  if (high !== null) rules.push({ id: 'high', kind: 'high', bpm: high, forS });
  if (low !== null) rules.push({ id: 'low', kind: 'low', bpm: low, forS });
  if (noData !== null) rules.push({ id: 'no-data', kind: 'no-data', forS: noData });
  const parsed = parseAlertSettings({ ...DEFAULT_ALERT_SETTINGS, rules });
  return parsed.ok ? parsed : { ok: false, reason: READABLE[parsed.reason] ?? parsed.reason };
}

// The parser's reasons for the rules this form makes, in the form's words.
const READABLE: Record<string, string> = {
  'rule high: bpm out of range': `high must be ${ALERT_LIMITS.minBpm} to ${ALERT_LIMITS.maxBpm} bpm`,
  'rule low: bpm out of range': `low must be ${ALERT_LIMITS.minBpm} to ${ALERT_LIMITS.maxBpm} bpm`,
  'rule high: forS out of range': `hold time must be at most ${ALERT_LIMITS.maxForS} s`,
  'rule low: forS out of range': `hold time must be at most ${ALERT_LIMITS.maxForS} s`,
  'rule no-data: forS out of range': `no data must be 1 to ${ALERT_LIMITS.maxNoDataS} s`,
};

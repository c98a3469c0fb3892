// The person's alert preferences on this device: whether alerts are on, whether viewers see them, and the rules.
// Kept in localStorage and read back through the one strict parser (src/core/alert-rules.ts), so a value
// edited by hand or written by an older version falls back to the defaults instead of alerting on nonsense.
import { DEFAULT_ALERT_SETTINGS, parseAlertSettings, presetAlertRules, type AlertSettings } from '../../core/alert-rules.ts';
import { DEFAULT_MAX_HR } from '../../core/zones.ts';

export const ALERT_PREFERENCES_KEY = 'liveheartrate.alerts';

export interface AlertPreferences {
  /** Evaluate the rules on this device and alert the person. */
  enabled: boolean;
  /** Send the rules to the pipeline so viewers see the alerts they raise. Only while enabled. */
  share: boolean;
  settings: AlertSettings;
}

export function defaultAlertPreferences(maxHr: number = DEFAULT_MAX_HR): AlertPreferences {
  return { enabled: false, share: false, settings: { ...DEFAULT_ALERT_SETTINGS, rules: presetAlertRules(maxHr) } };
}

export function readAlertPreferences(storage: Pick<Storage, 'getItem'> | null, maxHr?: number): AlertPreferences {
  const fallback = defaultAlertPreferences(maxHr);
  let value: unknown;
  try {
    value = JSON.parse(storage?.getItem(ALERT_PREFERENCES_KEY) ?? 'null');
  } catch {
    return fallback;
  }
  const o = value as Partial<Record<keyof AlertPreferences, unknown>> | null;
  if (typeof o !== 'object' || o === null) return fallback;
  const settings = parseAlertSettings(o.settings);
  if (!settings.ok) return fallback;
  return { enabled: o.enabled === true, share: o.share === true, settings: settings.settings };
}

export function writeAlertPreferences(storage: Pick<Storage, 'setItem'> | null, preferences: AlertPreferences): void {
  try {
    storage?.setItem(ALERT_PREFERENCES_KEY, JSON.stringify(preferences));
  } catch {
    // Refused or full: the preferences hold for this page.
  }
}

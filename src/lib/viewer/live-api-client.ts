// The viewer's side of the live API (functions/live-api): typed answers, and errors a person can read.
import { ALERT_RULE_KINDS, parseAlertSettings } from '../../core/alert-rules.ts';
import { ALERTS_TAG_PATTERN } from '../../core/alerts-tag.ts';
import { SESSION_STATUSES, type ReadingsBody, type SessionAlerts, type SessionBody } from '../../core/live-api-types.ts';
import type { AlertEvent } from '../../core/alert-engine.ts';

/** The network or the API failed; the viewer retries. */
export class LiveApiError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
  ) {
    super(message);
    this.name = 'LiveApiError';
  }
}

const STATUSES: readonly string[] = SESSION_STATUSES;

export interface LiveApiClient {
  getSession(viewId: string): Promise<SessionBody>;
  /** `alertsTag`: the tag of the shared alerts this page holds; a long-poll answers at once when they changed. */
  getReadings(viewId: string, after: string, opts: { limit: number; waitMs: number; alertsTag?: string; signal?: AbortSignal }): Promise<ReadingsBody>;
}

export function createLiveApiClient(apiUrl: string, fetchFn: typeof fetch = fetch.bind(globalThis)): LiveApiClient {
  const base = apiUrl.replace(/\/$/, '');

  async function getJson(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      // no-store: a long-poll for the same cursor must reach the server, not a cached empty answer.
      response = await fetchFn(`${base}${path}`, { cache: 'no-store', signal: signal ?? null });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new LiveApiError('The network is unreachable.', null);
    }
    if (!response.ok) throw new LiveApiError(`The live API answered ${response.status}.`, response.status);
    const body: unknown = await response.json().catch(() => null);
    if (typeof body !== 'object' || body === null || !STATUSES.includes(String((body as { status?: unknown }).status))) {
      throw new LiveApiError('The live API sent an answer this page does not understand.', response.status);
    }
    return body as Record<string, unknown>;
  }

  return {
    async getSession(viewId) {
      const body = (await getJson(`/sessions/${encodeURIComponent(viewId)}`)) as unknown as SessionBody;
      return checkedAlerts(body);
    },
    async getReadings(viewId, after, { limit, waitMs, alertsTag, signal }) {
      const query = new URLSearchParams({ after, limit: String(limit), wait: String(waitMs) });
      if (alertsTag !== undefined) query.set('alertsTag', alertsTag);
      const body = await getJson(`/sessions/${encodeURIComponent(viewId)}/readings?${query}`, signal);
      if (!Array.isArray(body['readings']) || typeof body['next'] !== 'string') {
        throw new LiveApiError('The live API sent readings this page does not understand.', 200);
      }
      return checkedAlerts(body as unknown as ReadingsBody);
    },
  };
}

const KINDS: readonly string[] = ALERT_RULE_KINDS;

/**
 * An answer's alerts and their tag as the page may rely on them: alerts it cannot read are left out, and so is
 * their tag, so the page neither describes an alert by a rule it could not read nor tells the server it is up to
 * date with them.
 */
export function checkedAlerts<T extends SessionBody | ReadingsBody>(body: T): T {
  const { alerts: raw, alertsTag: rawTag, ...rest } = body;
  const alerts = raw === undefined ? undefined : readAlerts(raw);
  if (alerts === null) {
    console.warn('viewer: ignoring shared alerts this page does not understand');
    return rest as T;
  }
  const tag = typeof rawTag === 'string' && ALERTS_TAG_PATTERN.test(rawTag) ? rawTag : undefined;
  return { ...rest, ...(alerts === undefined ? {} : { alerts }), ...(tag === undefined ? {} : { alertsTag: tag }) } as T;
}

/**
 * The shared alerts checked before the page relies on them: rules by the one strict parser, events and active
 * ids by shape. A part that does not pass makes the whole null, so the page never describes an alert by a
 * rule it could not read.
 */
function readAlerts(value: unknown): SessionAlerts | null {
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Record<string, unknown>;
  const settings = parseAlertSettings(o['settings']);
  if (!settings.ok || !Array.isArray(o['active']) || !Array.isArray(o['recent'])) return null;
  const active = o['active'] as unknown[];
  const recent = o['recent'] as unknown[];
  if (!active.every((id) => typeof id === 'string') || !recent.every(isAlertEvent)) return null;
  return { settings: settings.settings, active: active, recent: recent };
}

function isAlertEvent(value: unknown): value is AlertEvent {
  if (typeof value !== 'object' || value === null) return false;
  const e = value as Record<string, unknown>;
  return (
    typeof e['ruleId'] === 'string' &&
    KINDS.includes(String(e['kind'])) &&
    (e['type'] === 'fired' || e['type'] === 'cleared') &&
    Number.isFinite(e['at']) &&
    (e['value'] === null || Number.isFinite(e['value']))
  );
}

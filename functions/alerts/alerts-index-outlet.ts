// Alert events to the hr-alerts-YYYY-MM-DD indices of the live store's domain (AWS only), for the Dashboards panel.
// One _bulk per day index, with the index in the path, so a role may be allowed to write there and nowhere else
// (the alert clock's). Each document's _id is the event's identity: writing it again replaces it with itself.
// A refused or unanswered write is counted as failed and logged, not retried here: the event stays stored with
// its session.
import type { Client } from '@opensearch-project/opensearch';
import type { AlertEvent } from '../../src/core/alert-engine.ts';
import { alertsIndexFor } from '../store/opensearch-indices.ts';
import { describeError, type Logger } from '../lib/logger.ts';
import { alertEventId, type AlertOutlet, type AlertSession } from './alert-outlet.ts';

export interface AlertsIndexOutletDeps {
  client: Client;
  /** The write's own time, which bounds the day an event can land in (see alertsIndexFor). */
  now: () => number;
  log: Logger;
}

interface AlertDoc {
  id: string;
  viewId: string;
  ruleId: string;
  kind: AlertEvent['kind'];
  type: AlertEvent['type'];
  at: number;
  value: number | null;
  shared: boolean;
}

export function createAlertsIndexOutlet({ client, now, log }: AlertsIndexOutletDeps): AlertOutlet {
  const writeDay = async (index: string, docs: readonly AlertDoc[]): Promise<number> => {
    const body = docs.flatMap((doc) => [{ index: { _id: doc.id } }, doc]);
    try {
      const response = await client.bulk({ index, body: body as never });
      const items = (response.body as { items?: Array<Record<string, { status?: number }>> }).items ?? [];
      const written = docs.filter((_, k) => (Object.values(items[k] ?? {})[0]?.status ?? 500) < 300).length;
      if (written < docs.length) log.error('alert publish failed', { outlet: 'alerts-index', failed: docs.length - written });
      return written;
    } catch (error) {
      log.error('alert publish failed', { outlet: 'alerts-index', failed: docs.length, error: describeError(error) });
      return 0;
    }
  };
  return {
    async publish(events, session: AlertSession) {
      const writtenAt = now();
      const byIndex = new Map<string, AlertDoc[]>();
      for (const e of events) {
        const index = alertsIndexFor(e.at, writtenAt);
        const doc: AlertDoc = { id: alertEventId(session.viewId, e), viewId: session.viewId, ruleId: e.ruleId, kind: e.kind, type: e.type, at: e.at, value: e.value, shared: session.share };
        byIndex.set(index, [...(byIndex.get(index) ?? []), doc]);
      }
      const written = (await Promise.all([...byIndex].map(([index, docs]) => writeDay(index, docs)))).reduce((sum, n) => sum + n, 0);
      return { published: written, failed: events.length - written };
    },
  };
}

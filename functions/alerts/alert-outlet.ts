// Where stored alert events go next (docs/alerts.md "In AWS"): one interface for the consumer and the alert clock,
// called only after the store has written the events, so an event is published at most once per store write. A
// Kinesis batch that is re-delivered finds its readings already folded (the engine ignores a replayed seq) and
// publishes nothing again; what can repeat is a publish whose answer was lost and retried, so delivery is
// at-least-once and every event carries an identity a subscriber can dedupe on (alertEventId).
// In AWS: an SNS topic and the hr-alerts-* indices; in the embedded stack: one log line per event.
import type { AlertEvent } from '../../src/core/alert-engine.ts';

/** The session the events belong to. */
export interface AlertSession {
  viewId: string;
  /** Whether the broadcaster shares the alerts with viewers at the moment the events were stored. */
  share: boolean;
}

/** Per outlet target: events it took, and events it did not take (after its own retries). Never a claim of delivery to a person. */
export interface AlertPublishResult {
  published: number;
  failed: number;
}

export interface AlertOutlet {
  /** Hands on one session's stored events, in the order the engine produced them. Never throws: failures are counted. */
  publish(events: readonly AlertEvent[], session: AlertSession): Promise<AlertPublishResult>;
}

/**
 * An event's identity: the same event stored once gives the same id however often it is published. The engine
 * never produces two events of one rule and type at the same moment, so (viewId, ruleId, type, at) is unique.
 */
export function alertEventId(viewId: string, event: Pick<AlertEvent, 'ruleId' | 'type' | 'at'>): string {
  return `${viewId}:${event.ruleId}:${event.type}:${event.at}`;
}

/** Publishes to every outlet, all of them even when one fails; the counts add up over the targets. */
export function combineAlertOutlets(...outlets: readonly AlertOutlet[]): AlertOutlet {
  return {
    async publish(events, session) {
      const results = await Promise.all(outlets.map((outlet) => outlet.publish(events, session)));
      return results.reduce((sum, r) => ({ published: sum.published + r.published, failed: sum.failed + r.failed }), { published: 0, failed: 0 });
    },
  };
}

/**
 * Publishes every session's events (as the stores report them) and counts what was fired and what failed, for the
 * caller's metrics line. Fired counts what the pipeline concluded, whether or not an outlet took it.
 */
export async function publishStoredAlerts(
  outlet: AlertOutlet | undefined,
  stored: ReadonlyArray<AlertSession & { events: readonly AlertEvent[] }>,
): Promise<{ fired: number; publishFailures: number }> {
  let fired = 0;
  let publishFailures = 0;
  for (const { viewId, share, events } of stored) {
    fired += events.filter((e) => e.type === 'fired').length;
    if (outlet !== undefined && events.length > 0) publishFailures += (await outlet.publish(events, { viewId, share })).failed;
  }
  return { fired, publishFailures };
}

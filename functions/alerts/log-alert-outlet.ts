// The embedded stack's alert outlet: there is no SNS locally, and the SQLite alert_events table already is the
// alerts index, so each stored event becomes one log line. No view id (it is the share link), no key and no heart
// rate (the logs never carry health data); the event itself is in the session's alert log.
import type { Logger } from '../lib/logger.ts';
import type { AlertOutlet } from './alert-outlet.ts';

export function createLogAlertOutlet(log: Logger): AlertOutlet {
  return {
    async publish(events, session) {
      for (const e of events) log.info('alert event', { ruleId: e.ruleId, kind: e.kind, type: e.type, at: e.at, shared: session.share });
      return { published: events.length, failed: 0 };
    },
  };
}

// The sessions' retention, shared by the scheduled Lambda (functions/retention/handler.ts) and the embedded stack's
// timer: one call that deletes the sessions whose last activity is older than the retention, with their readings
// where the store keeps them by session (SQLite; OpenSearch's reading indices go by ISM).
import { sessionRetentionCutoff } from '../../src/core/session-retention.ts';
import type { SessionRetentionStore } from '../store/live-store.ts';
import type { Logger } from '../lib/logger.ts';

export interface SessionRetentionDeps {
  store: SessionRetentionStore;
  now: () => number;
  retentionDays: number;
  log: Logger;
}

/** How many sessions went. Logs one line when any did: a count, never view ids. */
export async function deleteInactiveSessions(deps: SessionRetentionDeps): Promise<number> {
  const cutoff = sessionRetentionCutoff(deps.now(), deps.retentionDays);
  const deleted = await deps.store.deleteSessionsInactiveBefore(cutoff);
  if (deleted > 0) deps.log.info('sessions retention deleted inactive sessions', { deleted, cutoff: new Date(cutoff).toISOString() });
  return deleted;
}

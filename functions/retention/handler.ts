// Lambda entry for the sessions' retention, invoked by an EventBridge schedule. Everything that does not change
// between invocations is built once, at cold start.
import { readOpenSearchConfig, readRetentionDays } from '../lib/env.ts';
import { createJsonLogger } from '../lib/logger.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { createOpenSearchStore } from '../store/opensearch-store.ts';
import { deleteInactiveSessions } from './delete-inactive-sessions.ts';

const config = readOpenSearchConfig(process.env);
const retentionDays = readRetentionDays(process.env);
// A delete by query over the sessions index: seconds even for many documents; the function timeout bounds it.
const store = createOpenSearchStore(createSignedOpenSearchClient({ ...config, requestTimeoutMs: 50_000 }));
const log = createJsonLogger();

export async function handler(): Promise<{ deleted: number }> {
  return { deleted: await deleteInactiveSessions({ store, now: Date.now, retentionDays, log }) };
}

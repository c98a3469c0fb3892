// Lambda entry for the alert clock, invoked by an EventBridge schedule (rate(1 minute), EventBridge's finest).
// Everything that does not change between invocations is built once, at cold start.
import { readOpenSearchConfig } from '../lib/env.ts';
import { createJsonLogger } from '../lib/logger.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { createOpenSearchStore } from '../store/opensearch-store.ts';
import { foldAlertClock } from './fold-alert-clock.ts';

const config = readOpenSearchConfig(process.env);
// One search and one bulk write per run; the function timeout bounds them.
const store = createOpenSearchStore(createSignedOpenSearchClient({ ...config, requestTimeoutMs: 20_000 }));
const log = createJsonLogger();

export async function handler(): Promise<{ sessions: number; events: number }> {
  return foldAlertClock({ store, now: Date.now, log });
}

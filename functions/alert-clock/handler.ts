// Lambda entry for the alert clock, invoked by an EventBridge schedule (rate(1 minute), EventBridge's finest).
// Everything that does not change between invocations is built once, at cold start.
import { createAwsAlertOutlet } from '../alerts/aws-alert-outlet.ts';
import { readAlertTopicArn, readOpenSearchConfig } from '../lib/env.ts';
import { createJsonLogger } from '../lib/logger.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { createOpenSearchStore } from '../store/opensearch-store.ts';
import { createPublisherFromEnv } from '../push/publisher-from-env.ts';
import { foldAlertClock } from './fold-alert-clock.ts';

const config = readOpenSearchConfig(process.env);
const topicArn = readAlertTopicArn(process.env);
// One search and one bulk write per run, then the alert outlet; the function timeout bounds them.
const client = createSignedOpenSearchClient({ ...config, requestTimeoutMs: 20_000 });
const store = createOpenSearchStore(client);
// Straight to stdout, as the consumer does: the line carrying the alert metrics must have `_aws` at its root.
const log = createJsonLogger((line) => process.stdout.write(`${line}\n`));
const alerts = createAwsAlertOutlet({ region: config.region, topicArn, openSearch: client, log });
// Viewers on push hear of a "no data" alert from here, as from the embedded stack's hub: nothing else publishes it.
const push = createPublisherFromEnv(process.env, config.region, log);

export async function handler(): Promise<{ sessions: number; events: number }> {
  return foldAlertClock({ store, now: Date.now, log, alerts, ...(push === undefined ? {} : { push }) });
}

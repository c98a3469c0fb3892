// Lambda entry for the Kinesis event source mapping (ReportBatchItemFailures on). Everything that does not
// change between invocations is built once, at cold start.
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { createAwsAlertOutlet } from '../alerts/aws-alert-outlet.ts';
import { readAlertTopicArn, readOpenSearchConfig } from '../lib/env.ts';
import { createJsonLogger } from '../lib/logger.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { createPublisherFromEnv } from '../push/publisher-from-env.ts';
import { createOpenSearchStore } from '../store/opensearch-store.ts';
import { processKinesisBatch } from './process-batch.ts';

const config = readOpenSearchConfig(process.env);
const topicArn = readAlertTopicArn(process.env);
// The bulk write waits for a refresh (up to refresh_interval, 1 s); leave room for a busy domain.
const client = createSignedOpenSearchClient({ ...config, requestTimeoutMs: 20_000 });
const store = createOpenSearchStore(client);
// Straight to stdout, not console.log: with the JSON log format Lambda wraps console output in its own object,
// and CloudWatch extracts the drop metrics' Embedded Metric Format lines only when `_aws` is at the root.
const log = createJsonLogger((line) => process.stdout.write(`${line}\n`));
const alerts = createAwsAlertOutlet({ region: config.region, topicArn, openSearch: client, log });
const push = createPublisherFromEnv(process.env, config.region, log);

export async function handler(event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> {
  const { batchItemFailures } = await processKinesisBatch(event, { store, now: Date.now, log, alerts, ...(push === undefined ? {} : { push }) });
  // Only the documented field: Lambda reads batchItemFailures and nothing else.
  return { batchItemFailures };
}

// The Lambdas' alert outlet: the SNS topic and the hr-alerts-* indices, both after the store's write, built once at
// cold start by the consumer and the alert clock. The SNS client retries a throttled or failed Publish itself (the
// SDK's standard three attempts) within a short timeout, so a slow SNS cannot hold a shard for the function's timeout.
import { SNSClient } from '@aws-sdk/client-sns';
import type { Client } from '@opensearch-project/opensearch';
import type { Logger } from '../lib/logger.ts';
import { combineAlertOutlets, type AlertOutlet } from './alert-outlet.ts';
import { createAlertsIndexOutlet } from './alerts-index-outlet.ts';
import { createSnsAlertOutlet } from './sns-alert-outlet.ts';

export interface AwsAlertOutletOptions {
  region: string;
  topicArn: string;
  /** The function's own OpenSearch client (the live store's). */
  openSearch: Client;
  log: Logger;
}

export function createAwsAlertOutlet({ region, topicArn, openSearch, log }: AwsAlertOutletOptions): AlertOutlet {
  const sns = new SNSClient({ region, maxAttempts: 3, requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 } });
  return combineAlertOutlets(createSnsAlertOutlet({ sns, topicArn, log }), createAlertsIndexOutlet({ client: openSearch, now: Date.now, log }));
}

// The alert clock in AWS: the shared handler (functions/alert-clock/) in its own function, run by an EventBridge
// schedule, so "no data" fires while a broadcaster's readings have stopped. A minute is EventBridge's finest rate.
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { NodeFunction } from './node-function.ts';

export interface AlertClockProps {
  entry: string;
  openSearchEndpointUrl: string;
  /** The SNS topic the events it stores are published to (functions/alerts/). */
  alertTopicArn: string;
}

export class AlertClock extends Construct {
  readonly fn: lambda.Function;
  /** Gets OpenSearch access from the domain's policy only (LiveStoreDomain.allow), nothing else. */
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: AlertClockProps) {
    super(scope, id);
    const settings = DEFAULTS.alertClock;
    const fn = new NodeFunction(this, 'Fold', {
      entry: props.entry,
      description: 'liveheartrate: fire "no data" alerts for sessions whose readings stopped',
      memoryMiB: settings.memoryMiB,
      timeout: Duration.seconds(settings.timeoutSeconds),
      // No reserved concurrency: two overlapping runs are harmless (a session written by one is skipped by the
      // other's versioned write), and reserving would take from the account's unreserved pool.
      environment: { OPENSEARCH_ENDPOINT: props.openSearchEndpointUrl, ALERT_TOPIC_ARN: props.alertTopicArn },
    });
    this.fn = fn.fn;
    this.role = fn.role;
    new events.Rule(this, 'Schedule', {
      description: 'liveheartrate: run the alert clock',
      schedule: events.Schedule.rate(Duration.minutes(settings.everyMinutes)),
      // A late run is worth nothing once the next one is due: no retries beyond the minute.
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 0, maxEventAge: Duration.minutes(1) })],
    });
  }
}

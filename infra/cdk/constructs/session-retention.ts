// The sessions' retention in AWS: the shared handler (functions/retention/) in its own function, run by an
// EventBridge schedule. Reading indices need nothing here: ISM deletes them by day (OpenSearchSetup).
import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { NodeFunction } from './node-function.ts';

export interface SessionRetentionProps {
  entry: string;
  openSearchEndpointUrl: string;
  /** Sessions inactive for longer are deleted; the same number as the reading indices' retention. */
  retentionDays: number;
}

export class SessionRetention extends Construct {
  readonly fn: lambda.Function;
  /** Gets OpenSearch access from the domain's policy only (LiveStoreDomain.allow), nothing else. */
  readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: SessionRetentionProps) {
    super(scope, id);
    const settings = DEFAULTS.sessionRetention;
    const fn = new NodeFunction(this, 'Delete', {
      entry: props.entry,
      description: 'liveheartrate: delete live sessions inactive for longer than the speed layer retention',
      memoryMiB: settings.memoryMiB,
      timeout: Duration.seconds(settings.timeoutSeconds),
      environment: { OPENSEARCH_ENDPOINT: props.openSearchEndpointUrl, RETENTION_DAYS: String(props.retentionDays) },
    });
    this.fn = fn.fn;
    this.role = fn.role;
    new events.Rule(this, 'Schedule', {
      description: 'liveheartrate: run the sessions retention',
      schedule: events.Schedule.rate(Duration.minutes(settings.everyMinutes)),
      // A missed run is made up by the next one, which deletes everything older anyway.
      targets: [new targets.LambdaFunction(this.fn, { retryAttempts: 2, maxEventAge: Duration.hours(1) })],
    });
  }
}

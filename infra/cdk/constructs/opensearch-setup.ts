// Applies the live store's index templates, the retention policy and the Dashboards saved objects at every
// deployment that changes them (the config is a resource property, so a change triggers an update). The one
// setup function answers the Provider both as onEvent and as isComplete (functions/opensearch-setup/handler.ts).
import { CustomResource, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import type { OpenSearchSetupConfig } from '../../../functions/opensearch-setup/setup-config.ts';
import { SETUP_TIMING_ENV } from '../../../functions/opensearch-setup/setup-timing.ts';
import { arnRef, LAMBDA_BASIC_EXECUTION_FINDING } from './nag-findings.ts';
import { NodeFunction, retentionDays } from './node-function.ts';

export interface OpenSearchSetupProps {
  entry: string;
  endpointUrl: string;
  config: OpenSearchSetupConfig;
}

export class OpenSearchSetup extends Construct {
  readonly role: iam.IRole;
  readonly resource: CustomResource;
  /** "imported N saved objects", or why not. */
  readonly dashboardsOutcome: string;

  constructor(scope: Construct, id: string, props: OpenSearchSetupProps) {
    super(scope, id);
    const settings = DEFAULTS.openSearchSetup;
    const fn = new NodeFunction(this, 'Apply', {
      entry: props.entry,
      description: 'liveheartrate: apply index templates, ISM retention and Dashboards objects to OpenSearch',
      memoryMiB: 256,
      // One pass of the setup, not the wait for the domain: that is the Provider's query loop below.
      timeout: Duration.seconds(settings.checkTimeoutSeconds),
      environment: {
        [SETUP_TIMING_ENV.deadlineMs]: String(settings.deadlineMinutes * 60_000),
        [SETUP_TIMING_ENV.dashboardsWaitMs]: String(settings.dashboardsWaitMinutes * 60_000),
        [SETUP_TIMING_ENV.requestTimeoutMs]: String(settings.requestTimeoutSeconds * 1000),
      },
    }).fn;
    if (fn.role === undefined) throw new Error('setup function has no role');
    this.role = fn.role;

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: fn,
      isCompleteHandler: fn,
      queryInterval: Duration.seconds(settings.queryIntervalSeconds),
      totalTimeout: Duration.minutes(settings.totalTimeoutMinutes),
      logGroup: new logs.LogGroup(this, 'ProviderLogs', {
        retention: retentionDays(DEFAULTS.logs.functionLogRetentionDays),
        removalPolicy: RemovalPolicy.DESTROY,
      }),
    });
    // The Provider framework's own function is CDK's: it only forwards events to ours.
    Validations.of(provider).acknowledge({
      id: LAMBDA_BASIC_EXECUTION_FINDING,
      reason: "CDK's custom-resource Provider framework function (not ours) uses the AWS managed basic execution policy to write its logs.",
    });
    Validations.of(provider).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnRef(fn)}:*]`,
      reason: 'The Provider framework may invoke any version of the one setup function it fronts (the function ARN with a version suffix).',
    });
    // With a completion check the framework adds a Step Functions waiter that calls it every query interval.
    for (const frameworkFunction of ['framework-isComplete', 'framework-onTimeout']) {
      Validations.of(provider).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${arnRef(provider.node.findChild(frameworkFunction))}:*]`,
        reason: "The Provider framework's waiter state machine may invoke any version of its own framework function (the ARN with a version suffix).",
      });
    }
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-SF1',
      reason:
        "CDK's waiter state machine only calls the completion check again; the setup function logs what it waits for, and the resource fails with the domain's last answer.",
    });
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-SF2',
      reason: "CDK's waiter state machine runs a few times per deployment; X-Ray traces of its retry loop would show nothing the setup function's logs do not.",
    });
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::LiveHeartRateOpenSearchSetup',
      properties: {
        Endpoint: props.endpointUrl,
        // One JSON string: CloudFormation would turn every number in nested properties into a string.
        Config: Stack.of(this).toJsonString(props.config),
      },
    });
    this.dashboardsOutcome = this.resource.getAttString('Dashboards');
  }
}

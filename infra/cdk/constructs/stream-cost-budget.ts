// The stream's cost alarm: an AWS Budgets budget on the account's Kinesis spend, notifying the alarm topic when
// the month's actual or forecast spend passes it. Budgets, not CloudWatch: billing metrics exist only in
// us-east-1 (and only once billing alerts are switched on), while a budget works from any region, and a
// traffic metric (IncomingBytes) would miss the largest item, the hourly charge of the stream itself.
import { Stack } from 'aws-cdk-lib';
import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { DEFAULTS, type StreamMode } from '../defaults.ts';

export interface StreamCostBudgetProps {
  topic: sns.ITopic;
  mode: StreamMode;
  /** Shards when mode is 'provisioned'. */
  shards: number;
  enhancedFanOut: boolean;
}

/** The month's expected Kinesis spend for these options, rounded up (DEFAULTS.alarms.streamBudgetUsd). */
export function streamBudgetUsdOf(mode: StreamMode, shards: number, enhancedFanOut: boolean): number {
  const usd = DEFAULTS.alarms.streamBudgetUsd;
  const streamShards = mode === 'on-demand' ? DEFAULTS.stream.onDemandInitialShards : shards;
  const stream = mode === 'on-demand' ? usd.onDemand : usd.perProvisionedShard * shards;
  return stream + (enhancedFanOut ? usd.perFanOutShard * streamShards : 0);
}

export class StreamCostBudget extends Construct {
  readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: StreamCostBudgetProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Budgets publishes as its service principal; only budgets of this account may use the topic.
    props.topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [props.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': `arn:${stack.partition}:budgets::${stack.account}:*` },
        },
      }),
    );

    const subscribers = [{ subscriptionType: 'SNS', address: props.topic.topicArn }];
    const over = (notificationType: 'ACTUAL' | 'FORECASTED'): budgets.CfnBudget.NotificationWithSubscribersProperty => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' },
      subscribers,
    });
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: streamBudgetUsdOf(props.mode, props.shards, props.enhancedFanOut), unit: 'USD' },
        // The account's whole Kinesis Data Streams line: a cost filter cannot name one stream without a
        // cost-allocation tag that someone has to switch on in the billing console first.
        costFilters: { Service: ['Amazon Kinesis'] },
      },
      // The forecast warns within days of a change; the actual spend confirms it.
      notificationsWithSubscribers: [over('FORECASTED'), over('ACTUAL')],
    });
    // The topic policy must exist before Budgets checks that it may publish.
    this.budget.node.addDependency(props.topic);
  }
}

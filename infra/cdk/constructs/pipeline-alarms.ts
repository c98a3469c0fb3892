// The signals that the live pipeline is not live: the consumer falls behind, the consumer fails, batches
// were given up on, producers are throttled, a writer is cut by the per-session rate limit, an alert event was not
// published, the live store is down, full or growing indices it should not have, the archive transform fails.
// All notify one SNS topic.
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { replicasFor } from '../opensearch-setup/build-config.ts';

/**
 * What the consumer writes as CloudWatch Embedded Metric Format, once per batch that dropped anything: this
 * namespace, no dimensions, counts of the batch. A log line, so its role needs no cloudwatch:PutMetricData.
 */
export const CONSUMER_METRICS = {
  namespace: 'liveheartrate',
  rateLimited: 'RateLimitedRecords',
  dropped: 'DroppedRecords',
  /** Written by the consumer and the alert clock alike (functions/consumer/drop-metrics.ts). */
  alertsFired: 'AlertsFired',
  alertPublishFailures: 'AlertPublishFailures',
} as const;

export interface PipelineAlarmsProps {
  consumer: lambda.IFunction;
  /** The batch layer's record transform (BatchLayer.transform). */
  archiveTransform: lambda.IFunction;
  failureQueue: sqs.IQueue;
  stream: kinesis.IStream;
  domain: opensearch.IDomain;
  /** Days the ISM policy keeps reading indices, and the domain's data nodes: together they bound its shards. */
  speedRetentionDays: number;
  dataNodes: number;
  /** Subscribed to the alarm topic when given (the address must confirm the subscription). */
  email?: string;
}

/**
 * The most active shards the domain should hold: one per daily readings index kept (the retention, plus the
 * day before, today and tomorrow the store may write into, plus one awaiting its ISM delete), as many daily alerts
 * indices (the same retention and days), one for the sessions index, each with its replicas, and the domain's own indices. More means indices are being made
 * that the live horizon should have prevented, and a small domain degrades long before its shard limit.
 */
export function shardCeilingOf(speedRetentionDays: number, dataNodes: number): number {
  const readingsIndices = speedRetentionDays + 4;
  const alertsIndices = speedRetentionDays + 4;
  const sessionsIndices = 1;
  const liveStoreShards = (readingsIndices + alertsIndices + sessionsIndices) * (1 + replicasFor(dataNodes));
  return liveStoreShards + DEFAULTS.alarms.openSearchSystemShards;
}

export class PipelineAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: PipelineAlarmsProps) {
    super(scope, id);
    const thresholds = DEFAULTS.alarms;
    this.topic = new sns.Topic(this, 'Topic', { displayName: 'liveheartrate alarms', enforceSSL: true });
    if (props.email !== undefined) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const alarm = (
      alarmId: string,
      description: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      evaluationPeriods = 1,
      comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods,
        comparisonOperator,
        // No traffic is not trouble.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      created.addOkAction(new actions.SnsAction(this.topic));
      return created;
    };

    this.alarms = [
      alarm(
        'ConsumerIteratorAge',
        'The consumer is behind the stream: viewers see old readings. Check consumer errors and OpenSearch health.',
        props.consumer.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }),
        thresholds.consumerIteratorAgeMs,
        3,
      ),
      alarm(
        'ConsumerErrors',
        'The consumer function failed (not a dropped record: those are counted in its logs).',
        props.consumer.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
        thresholds.consumerErrorsPerFiveMinutes,
      ),
      alarm(
        'FailedBatches',
        'Lambda gave up on a batch: its readings are missing from the live view. The message names the shard and ' +
          'sequence range; re-read them from the stream while it retains them (24 h).',
        props.failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }),
        thresholds.failureQueueDepth,
      ),
      alarm(
        'StreamWriteThrottled',
        'Producers are being throttled (WriteProvisionedThroughputExceeded): add shards or switch to on-demand.',
        props.stream.metricWriteProvisionedThroughputExceeded({ statistic: 'Sum', period: Duration.minutes(5) }),
        thresholds.writeThrottlesPerFiveMinutes,
      ),
      alarm(
        'RateLimitedRecords',
        'The consumer dropped records over a session\'s rate limit: a writer that is not the app, or a device sending ' +
          'a backlog longer than the burst. The live store stays bounded either way; the consumer log counts the drops per batch.',
        new cloudwatch.Metric({
          namespace: CONSUMER_METRICS.namespace,
          metricName: CONSUMER_METRICS.rateLimited,
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        thresholds.rateLimitedRecordsPerFiveMinutes,
      ),
      alarm(
        'AlertPublishFailures',
        'An alert event was not published: SNS or the hr-alerts-* index did not take it after the client\'s retries, and it ' +
          'is not re-sent. It is still stored with its session (the live API\'s recent events). The consumer or alert clock ' +
          'log line "alert publish failed" names the outlet and the error.',
        new cloudwatch.Metric({
          namespace: CONSUMER_METRICS.namespace,
          metricName: CONSUMER_METRICS.alertPublishFailures,
          statistic: 'Sum',
          period: Duration.minutes(5),
        }),
        thresholds.alertPublishFailuresPerFiveMinutes,
      ),
      // No alarm on DroppedRecords: it counts every reason, contact gaps included (a strap off the skin sends
      // them once a second), so it rises in ordinary use. The rate limit above is the drop that means abuse.
      alarm(
        'LiveStoreRed',
        'The OpenSearch domain is red: at least one primary shard is unassigned and live views fail.',
        props.domain.metricClusterStatusRed({ statistic: 'Maximum', period: Duration.minutes(1) }),
        1,
      ),
      alarm(
        'LiveStoreStorageLow',
        'The OpenSearch volume is filling up: lower speedRetentionDays or grow the volume before writes are blocked.',
        props.domain.metricFreeStorageSpace({ statistic: 'Minimum', period: Duration.minutes(5) }),
        thresholds.openSearchFreeStorageMiB,
        1,
        cloudwatch.ComparisonOperator.LESS_THAN_OR_EQUAL_TO_THRESHOLD,
      ),
      alarm(
        'LiveStoreShards',
        'The OpenSearch domain holds more shards than the live store explains: look for unexpected hr-readings-* ' +
          'indices (a writer getting past the live horizon) and delete them before the domain slows down.',
        props.domain.metric('Shards.active', { statistic: 'Maximum', period: Duration.minutes(5) }),
        shardCeilingOf(props.speedRetentionDays, props.dataNodes) + 1,
      ),
      // Malformed records are answered, not thrown, so an error here is the function itself failing: Firehose
      // retries, then writes the whole batch, valid readings and their keys included, to errors/processing-failed/.
      alarm(
        'ArchiveTransformErrors',
        'The archive transform failed (threw or timed out): after its retries Firehose wrote the batch as received to ' +
          'errors/processing-failed/ in the raw bucket, so those readings are missing from the archive and their write ' +
          'keys are under errors/ until it expires (14 days). Check the function\'s log.',
        props.archiveTransform.metricErrors({ statistic: 'Sum', period: Duration.minutes(5) }),
        thresholds.archiveTransformErrorsPerFiveMinutes,
      ),
    ];
  }
}

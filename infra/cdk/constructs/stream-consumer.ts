// The speed layer's writer: the consumer Lambda on the stream, with every stream-source default that can
// block a shard replaced (aws-facts.md "Lambda event source mapping for Kinesis").
import { Duration, Names, Validations } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DEFAULTS, type StreamMode } from '../defaults.ts';
import { NodeFunction } from './node-function.ts';

export interface StreamConsumerProps {
  entry: string;
  stream: kinesis.Stream;
  openSearchEndpointUrl: string;
  /** The SNS topic the alert events it stores are published to (functions/alerts/). */
  alertTopicArn: string;
  enhancedFanOut: boolean;
  /** Reserved for the consumer alone: at least concurrencyBoundOf the stream, or shards wait their turn. */
  reservedConcurrency?: number;
}

/**
 * The most batches Lambda runs at once on this stream: one per shard and parallelization slot, with or without
 * fan-out. An on-demand stream is counted at its starting shards; past them (over 4 MB/s or 4,000 records/s
 * written) it splits, and a reservation of this size would hold the new shards back: the iterator-age alarm says so.
 */
export function concurrencyBoundOf(mode: StreamMode, provisionedShards: number): number {
  const shards = mode === 'on-demand' ? DEFAULTS.stream.onDemandInitialShards : provisionedShards;
  return shards * DEFAULTS.consumer.parallelizationFactor;
}

export class StreamConsumer extends Construct {
  readonly fn: lambda.Function;
  /** Where Lambda records batches it gave up on: shard, sequence range and error, not the records. */
  readonly failureQueue: sqs.Queue;
  readonly eventSourceMappingId: string;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const settings = DEFAULTS.consumer;
    this.fn = new NodeFunction(this, 'Consumer', {
      entry: props.entry,
      description: 'liveheartrate: Kinesis readings to the OpenSearch live store',
      memoryMiB: settings.memoryMiB,
      timeout: Duration.seconds(settings.timeoutSeconds),
      environment: { OPENSEARCH_ENDPOINT: props.openSearchEndpointUrl, ALERT_TOPIC_ARN: props.alertTopicArn },
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrency: props.reservedConcurrency } : {}),
    }).fn;

    this.failureQueue = new sqs.Queue(this, 'FailedBatches', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS keeps anything: an operator has two weeks to notice, though the records themselves
      // can be re-read only while the stream retains them.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failureQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the Kinesis event source mapping (it only receives batch pointers); ' +
        'a dead-letter queue behind it would hold nothing new. Its depth raises an alarm.',
    });

    const eventSourceProps: sources.KinesisEventSourceProps = {
      // From the oldest retained record: a mapping created after the stream (first deployment, or a switch to
      // fan-out) picks up what was already sent instead of skipping it; writes are idempotent, so a replay
      // only costs time.
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      // Latency (docs/architecture.md "Latency path", cloud target <= 2 s p95 sensor → viewer): no batching window, so a
      // record is handed over as soon as a poll (about once a second per shard) returns it; the window would
      // add its full length to every reading at one reading a second. The batch size then only bounds
      // catch-up: 500 matches one producer PutRecords call, one invocation and one bulk request per backlog.
      batchSize: settings.batchSize,
      maxBatchingWindow: Duration.seconds(settings.maxBatchingWindowSeconds),
      parallelizationFactor: settings.parallelizationFactor,
      // The consumer returns the first failed record (functions/consumer/process-batch.ts); Lambda resumes
      // there instead of replaying the whole batch.
      reportBatchItemFailures: true,
      // A batch that makes the function itself fail is split until the bad record stands alone.
      bisectBatchOnError: true,
      retryAttempts: settings.retryAttempts,
      maxRecordAge: Duration.seconds(settings.maxRecordAgeSeconds),
      onFailure: new sources.SqsDlq(this.failureQueue),
    };
    let eventSource: sources.KinesisEventSource | sources.KinesisConsumerEventSource;
    if (props.enhancedFanOut) {
      // Push delivery over HTTP/2 (~70 ms) instead of polling: the largest single cut in the latency budget.
      const consumer = new kinesis.StreamConsumer(this, 'FanOut', {
        stream: props.stream,
        streamConsumerName: Names.uniqueResourceName(this, { maxLength: 128 }),
      });
      eventSource = new sources.KinesisConsumerEventSource(consumer, eventSourceProps);
    } else {
      eventSource = new sources.KinesisEventSource(props.stream, eventSourceProps);
    }
    this.fn.addEventSource(eventSource);
    this.eventSourceMappingId = eventSource.eventSourceMappingId;
  }
}

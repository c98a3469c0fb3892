// The Kinesis stream every reading goes through (docs/architecture.md "Record on the wire").
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';
import { DEFAULTS, type StreamMode } from '../defaults.ts';

export interface IngestStreamProps {
  mode: StreamMode;
  /** Shards when mode is 'provisioned'. */
  shards: number;
}

export class IngestStream extends Construct {
  readonly stream: kinesis.Stream;

  constructor(scope: Construct, id: string, props: IngestStreamProps) {
    super(scope, id);
    this.stream = new kinesis.Stream(this, 'Stream', {
      streamMode: props.mode === 'on-demand' ? kinesis.StreamMode.ON_DEMAND : kinesis.StreamMode.PROVISIONED,
      ...(props.mode === 'provisioned' ? { shardCount: props.shards } : {}),
      retentionPeriod: Duration.hours(DEFAULTS.stream.retentionHours),
      // The AWS-managed key: a customer key would make every guest producer need kms:GenerateDataKey on it.
      encryption: kinesis.StreamEncryption.MANAGED,
      // Only unprocessed readings live here; history is in S3.
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

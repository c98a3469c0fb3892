// The batch layer (docs/architecture.md): Firehose copies the stream to S3 as gzipped newline JSON by arrival day; Glue
// describes it with partition projection (no crawler); Athena queries it in its own workgroup.
import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  FIREHOSE_DATA_PREFIX,
  FIREHOSE_ERROR_PREFIX,
  PARTITION_FORMAT,
  PARTITION_KEY,
  RAW_DATA_PREFIX,
  RAW_RECORD_COLUMNS,
  RAW_TABLE_NAME,
} from '../analytics/raw-layout.ts';
import { NAMED_QUERIES } from '../analytics/named-queries.ts';
import { DEFAULTS } from '../defaults.ts';
import { FirehoseS3Role } from './firehose-s3-role.ts';
import { arnRef } from './nag-findings.ts';
import { retentionDays } from './node-function.ts';
import { secureBucket } from './secure-bucket.ts';

export interface BatchLayerProps {
  stream: kinesis.IStream;
  accessLogsBucket: s3.IBucket;
  rawRetentionDays: number;
}

export class BatchLayer extends Construct {
  readonly rawBucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly workGroupName: string;
  readonly databaseName: string;
  readonly namedQueries: athena.CfnNamedQuery[];

  constructor(scope: Construct, id: string, props: BatchLayerProps) {
    super(scope, id);
    const settings = DEFAULTS.batchLayer;
    // Holds every record as sent, write keys included: whoever can read it can write into any session it
    // names (docs/deploy-aws.md, "Who can read write keys"). No bucket policy grants anyone beyond this
    // account's IAM.
    this.rawBucket = secureBucket(this, 'Raw', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'raw/' },
      expireAfterDays: props.rawRetentionDays,
    });
    this.resultsBucket = secureBucket(this, 'AthenaResults', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'athena-results/' },
      expireAfterDays: settings.athenaResultsRetentionDays,
    });

    const destinationRole = new FirehoseS3Role(this, 'ToS3Role');
    const delivery = new firehose.DeliveryStream(this, 'ToS3', {
      source: new firehose.KinesisStreamSource(props.stream),
      destination: new firehose.S3Bucket(this.rawBucket, {
        role: destinationRole,
        // Records arrive newline-terminated (docs/architecture.md), so objects are newline JSON as they are.
        compression: firehose.Compression.GZIP,
        fileExtension: '.json.gz',
        dataOutputPrefix: FIREHOSE_DATA_PREFIX,
        errorOutputPrefix: FIREHOSE_ERROR_PREFIX,
        // See DEFAULTS.batchLayer: at one person's volume the interval decides, and 5 minutes keeps objects
        // few (cheap to list and scan) while history appears in Athena within minutes.
        bufferingInterval: Duration.seconds(settings.bufferingIntervalSeconds),
        bufferingSize: Size.mebibytes(settings.bufferingSizeMiB),
        loggingConfig: new firehose.EnableLogging(
          new logs.LogGroup(this, 'DeliveryErrors', { retention: retentionDays(DEFAULTS.logs.functionLogRetentionDays), removalPolicy: RemovalPolicy.DESTROY }),
        ),
      }),
    });
    Validations.of(destinationRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnRef(this.rawBucket)}/*]`,
      reason: 'Objects of the raw bucket only, and only the actions Firehose needs to write them (FirehoseS3Role): it names objects by arrival time under readings/ and errors/.',
    });
    Validations.of(delivery).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'Firehose does not allow server-side encryption on a delivery stream whose source is a Kinesis stream; ' +
        'the source stream is KMS-encrypted and the destination bucket encrypts every object (SSE-S3).',
    });

    // Glue databases are retained by default, under a name fixed at synth time: one left behind by a rolled-back
    // first deploy would make every later deploy fail because it exists. It holds only the table definition (the
    // records are in the retained raw bucket), so it goes with the stack.
    const database = new glue.Database(this, 'Database', { description: 'liveheartrate batch layer', removalPolicy: RemovalPolicy.DESTROY });
    this.databaseName = database.databaseName;
    const bucketName = this.rawBucket.bucketName;
    const table = new glue.S3Table(this, 'Readings', {
      database,
      tableName: RAW_TABLE_NAME,
      description: 'liveheartrate v1 records as sent (newline JSON, gzip), by arrival day',
      storage: glue.S3TableStorage.fromBucket(this.rawBucket),
      s3Prefix: RAW_DATA_PREFIX,
      dataFormat: glue.DataFormat.JSON,
      compressed: true,
      columns: RAW_RECORD_COLUMNS.map((column) => ({
        name: column.name,
        type: { inputString: column.type, isPrimitive: !column.type.includes('<') },
        comment: column.comment,
      })),
      partitionKeys: [{ name: PARTITION_KEY, type: glue.Schema.STRING, comment: 'UTC day the record arrived (Firehose)' }],
      partitionProjection: {
        [PARTITION_KEY]: glue.PartitionProjectionConfiguration.date({
          min: settings.partitionStartDate,
          max: 'NOW',
          format: PARTITION_FORMAT,
          step: { interval: 1, intervalUnit: glue.DateIntervalUnit.DAYS },
        }),
      },
      parameters: {
        'storage.location.template': `s3://${bucketName}/${RAW_DATA_PREFIX}${PARTITION_KEY}=\${${PARTITION_KEY}}/`,
      },
    });
    // Untrusted producers (docs/architecture.md): a malformed line reads as NULLs instead of failing the whole query.
    (table.node.defaultChild as glue.CfnTable).addPropertyOverride('TableInput.StorageDescriptor.SerdeInfo.Parameters', {
      'ignore.malformed.json': 'true',
    });

    this.workGroupName = `${Stack.of(this).stackName}-analytics`;
    const workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: 'liveheartrate history queries; settings enforced for every query',
      state: 'ENABLED',
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: settings.athenaBytesScannedCutoff,
        engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const qualifiedTable = `"${database.databaseName}"."${RAW_TABLE_NAME}"`;
    this.namedQueries = NAMED_QUERIES.map((spec, index) => {
      const query = new athena.CfnNamedQuery(this, `Query${index}`, {
        name: spec.name,
        description: spec.description,
        database: database.databaseName,
        workGroup: workGroup.name,
        queryString: spec.sql(qualifiedTable),
      });
      query.node.addDependency(workGroup);
      return query;
    });
  }
}

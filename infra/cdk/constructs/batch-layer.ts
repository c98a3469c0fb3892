// The batch layer (docs/architecture.md "Batch layer"): Firehose copies the stream to S3 through the archive
// transform (functions/archive-transform/), which replaces each write key by its view id and sends malformed input to
// errors/; Firehose converts the lines to Parquet with the Glue table's schema, by arrival hour. Glue describes the
// folders with partition projection (no crawler); Athena queries them in its own workgroup.
import { Duration, RemovalPolicy, Size, Stack, Validations } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import * as firehose from 'aws-cdk-lib/aws-kinesisfirehose';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ARCHIVE_COLUMNS,
  ARCHIVE_DATA_PREFIX,
  ARCHIVE_ERROR_PREFIX,
  ARCHIVE_PARTITION_KEYS,
  ARCHIVE_TABLE_NAME,
  FIREHOSE_PARTITION_PATH,
} from '../../../src/core/archive-layout.ts';
import { NAMED_QUERIES } from '../../../src/core/archive-queries.ts';
import { DEFAULTS } from '../defaults.ts';
import { FirehoseS3Role } from './firehose-s3-role.ts';
import { arnRef } from './nag-findings.ts';
import { NodeFunction, retentionDays } from './node-function.ts';
import { secureBucket } from './secure-bucket.ts';

export interface BatchLayerProps {
  stream: kinesis.IStream;
  accessLogsBucket: s3.IBucket;
  rawRetentionDays: number;
  /** The archive transform's Lambda entry (ENTRIES.archiveTransform). */
  transformEntry: string;
}

/** Integer projection of each partition key: the years of DEFAULTS, then two-digit month, day and hour. */
function partitionProjection(years: { first: number; last: number }): Record<(typeof ARCHIVE_PARTITION_KEYS)[number], glue.PartitionProjectionConfiguration> {
  const twoDigits = (min: number, max: number) => glue.PartitionProjectionConfiguration.integer({ min, max, digits: 2 });
  return {
    year: glue.PartitionProjectionConfiguration.integer({ min: years.first, max: years.last }),
    month: twoDigits(1, 12),
    day: twoDigits(1, 31),
    hour: twoDigits(0, 23),
  };
}

export class BatchLayer extends Construct {
  readonly rawBucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly workGroupName: string;
  readonly databaseName: string;
  readonly namedQueries: athena.CfnNamedQuery[];
  readonly transform: lambda.IFunction;

  constructor(scope: Construct, id: string, props: BatchLayerProps) {
    super(scope, id);
    const settings = DEFAULTS.batchLayer;
    // readings/ holds archive lines (view ids, never write keys). errors/ holds malformed input as it was sent,
    // which can include a write key: it expires after errorRetentionDays (docs/deploy-aws.md, "Who can read write
    // keys"). No bucket policy grants anyone beyond this account's IAM.
    this.rawBucket = secureBucket(this, 'Raw', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'raw/' },
      expireAfterDays: props.rawRetentionDays,
    });
    this.rawBucket.addLifecycleRule({ id: 'errors', prefix: ARCHIVE_ERROR_PREFIX, expiration: Duration.days(settings.errorRetentionDays) });
    this.resultsBucket = secureBucket(this, 'AthenaResults', {
      accessLogs: { bucket: props.accessLogsBucket, prefix: 'athena-results/' },
      expireAfterDays: settings.athenaResultsRetentionDays,
    });

    // Glue databases are retained by default, under a name fixed at synth time: one left behind by a rolled-back
    // first deploy would make every later deploy fail because it exists. It holds only the table definition (the
    // records are in the retained raw bucket), so it goes with the stack.
    const database = new glue.Database(this, 'Database', { description: 'liveheartrate batch layer', removalPolicy: RemovalPolicy.DESTROY });
    this.databaseName = database.databaseName;
    const table = new glue.S3Table(this, 'Readings', {
      database,
      tableName: ARCHIVE_TABLE_NAME,
      description: 'liveheartrate archive lines (view id, never the write key) as Parquet, by arrival hour',
      storage: glue.S3TableStorage.fromBucket(this.rawBucket),
      s3Prefix: ARCHIVE_DATA_PREFIX,
      dataFormat: glue.DataFormat.PARQUET,
      columns: ARCHIVE_COLUMNS.map((column) => ({
        name: column.name,
        type: { inputString: column.type, isPrimitive: !column.type.includes('<') },
        comment: column.comment,
      })),
      partitionKeys: ARCHIVE_PARTITION_KEYS.map((name) => ({ name, type: glue.Schema.INTEGER, comment: `UTC ${name} the record arrived (Firehose)` })),
      partitionProjection: partitionProjection(settings.partitionYears),
      parameters: {
        'storage.location.template': `s3://${this.rawBucket.bucketName}/${ARCHIVE_DATA_PREFIX}${ARCHIVE_PARTITION_KEYS.map((key) => `${key}=\${${key}}/`).join('')}`,
      },
    });

    const transform = new NodeFunction(this, 'Transform', {
      entry: props.transformEntry,
      description: 'liveheartrate: Firehose record transform, write key to view id, malformed input to errors/',
      memoryMiB: DEFAULTS.archiveTransform.memoryMiB,
      timeout: Duration.seconds(DEFAULTS.archiveTransform.timeoutSeconds),
    });

    this.transform = transform.fn;

    const destinationRole = new FirehoseS3Role(this, 'ToS3Role');
    const delivery = new firehose.DeliveryStream(this, 'ToS3', {
      source: new firehose.KinesisStreamSource(props.stream),
      destination: new firehose.S3Bucket(this.rawBucket, {
        role: destinationRole,
        processors: [
          new firehose.LambdaFunctionProcessor(transform.fn, {
            bufferInterval: Duration.seconds(DEFAULTS.archiveTransform.bufferIntervalSeconds),
            bufferSize: Size.mebibytes(DEFAULTS.archiveTransform.bufferSizeMiB),
            retries: DEFAULTS.archiveTransform.retries,
          }),
        ],
        // The transform's lines become Parquet rows with the table's columns; compression is the serializer's
        // (Snappy), not the destination's. Keys are matched as written (not lower-cased), so the two whose
        // column has another name are mapped: viewid ← viewId, ended ← end (`end` is reserved in SQL).
        dataFormatConversion: {
          schemaConfiguration: firehose.SchemaConfiguration.fromCfnTable(table.node.defaultChild as glue.CfnTable),
          inputFormat: new firehose.OpenXJsonInputFormat({
            lowercaseColumnNames: false,
            columnToJsonKeyMappings: Object.fromEntries(ARCHIVE_COLUMNS.filter((c) => c.jsonKey !== c.name).map((c) => [c.name, c.jsonKey])),
          }),
          outputFormat: new firehose.ParquetOutputFormat({ compression: firehose.ParquetCompression.SNAPPY }),
        },
        fileExtension: '.parquet',
        dataOutputPrefix: `${ARCHIVE_DATA_PREFIX}${FIREHOSE_PARTITION_PATH}`,
        errorOutputPrefix: `${ARCHIVE_ERROR_PREFIX}!{firehose:error-output-type}/${FIREHOSE_PARTITION_PATH}`,
        // See DEFAULTS.batchLayer: at one person's volume the interval decides.
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
    Validations.of(destinationRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${arnRef(transform.fn)}:*]`,
      reason: 'Invoking the archive transform function only: the :* form names its versions and aliases, which is how Lambda matches an invocation of a qualified ARN.',
    });
    Validations.of(delivery).acknowledge({
      id: 'AwsSolutions-KDF1',
      reason:
        'Firehose does not allow server-side encryption on a delivery stream whose source is a Kinesis stream; ' +
        'the source stream is KMS-encrypted and the destination bucket encrypts every object (SSE-S3).',
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

    const qualifiedTable = `"${database.databaseName}"."${ARCHIVE_TABLE_NAME}"`;
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

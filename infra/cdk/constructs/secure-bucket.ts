// Every bucket in the stack starts from the same baseline: private, TLS only, encrypted, access-logged.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

export interface SecureBucketOptions {
  /** Where S3 server access logs go; absent only for the log bucket itself. */
  accessLogs?: { bucket: s3.IBucket; prefix: string };
  /** Objects are deleted this many days after creation. */
  expireAfterDays?: number;
  objectOwnership?: s3.ObjectOwnership;
  removalPolicy?: RemovalPolicy;
}

export function secureBucket(scope: Construct, id: string, options: SecureBucketOptions): s3.Bucket {
  return new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    encryption: s3.BucketEncryption.S3_MANAGED,
    objectOwnership: options.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    ...(options.accessLogs !== undefined
      ? { serverAccessLogsBucket: options.accessLogs.bucket, serverAccessLogsPrefix: options.accessLogs.prefix }
      : {}),
    lifecycleRules: [
      {
        id: 'retention',
        abortIncompleteMultipartUploadAfter: Duration.days(1),
        ...(options.expireAfterDays !== undefined ? { expiration: Duration.days(options.expireAfterDays) } : {}),
      },
    ],
    // Buckets outlive the stack unless told otherwise: a `cdk destroy` must not take history with it.
    removalPolicy: options.removalPolicy ?? RemovalPolicy.RETAIN,
  });
}

// The role Firehose writes to S3 with. CDK's S3 destination always calls bucket.grantReadWrite on its role,
// which adds s3:DeleteObject* and wildcard actions (GetObject*, List*, …) and has no option to narrow it;
// Firehose never deletes. Writing the delivery stream without the L2 would mean redoing its source, logging
// and buffering wiring, so this role narrows what it is granted instead. The same goes for the Glue grant of
// record format conversion (SchemaConfiguration), which adds glue:GetSchemaVersion on every resource.
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';

/** What AWS documents for a Firehose S3 destination ("Grant Firehose access to an Amazon S3 destination"). */
const FIREHOSE_S3_ACTIONS = [
  's3:AbortMultipartUpload',
  's3:GetBucketLocation',
  's3:GetObject',
  's3:ListBucket',
  's3:ListBucketMultipartUploads',
  's3:PutObject',
] as const;

/** Any S3 grant to this role gives exactly FIREHOSE_S3_ACTIONS on the same resources; Schema Registry reads are dropped; other grants pass as they are. */
export class FirehoseS3Role extends iam.Role {
  constructor(scope: Construct, id: string) {
    super(scope, id, { assumedBy: new iam.ServicePrincipal('firehose.amazonaws.com') });
  }

  override addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    // GetSchemaVersion reads the Glue Schema Registry, for tables whose columns live there. Our table lists its
    // columns itself (GetTable* on it, which the same grant adds), so this statement is left out.
    if (statement.actions.length > 0 && statement.actions.every((action) => action === 'glue:GetSchemaVersion')) return { statementAdded: false };
    const isS3Grant = statement.actions.length > 0 && statement.actions.every((action) => action.startsWith('s3:'));
    return super.addToPrincipalPolicy(isS3Grant ? statement.copy({ actions: [...FIREHOSE_S3_ACTIONS] }) : statement);
  }
}

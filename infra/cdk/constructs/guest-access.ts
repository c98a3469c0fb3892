// Browser producers get short-lived credentials from a Cognito identity pool's guest identities through the
// basic (classic) flow (docs/architecture.md "Why the basic Cognito flow"): the enhanced flow's session policy has no
// kinesis action. The guest role may do exactly one thing: put records on this stream.
import { Validations } from 'aws-cdk-lib';
import * as identitypool from 'aws-cdk-lib/aws-cognito-identitypool';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import { Construct } from 'constructs';

export interface GuestAccessProps {
  stream: kinesis.IStream;
}

export class GuestAccess extends Construct {
  readonly identityPool: identitypool.IdentityPool;
  readonly guestRole: iam.IRole;

  constructor(scope: Construct, id: string, props: GuestAccessProps) {
    super(scope, id);
    // The L2's default roles trust only this pool (cognito-identity.amazonaws.com:aud = pool id) and the
    // matching identity kind (amr): exactly the trust docs/architecture.md asks for.
    this.identityPool = new identitypool.IdentityPool(this, 'Pool', {
      allowUnauthenticatedIdentities: true,
      allowClassicFlow: true,
    });
    this.guestRole = this.identityPool.unauthenticatedRole;
    // An explicit statement rather than stream.grantWrite(): that would add kinesis:ListShards, which a
    // producer does not need.
    this.guestRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kinesis:PutRecord', 'kinesis:PutRecords'],
        resources: [props.stream.streamArn],
      }),
    );
    Validations.of(this.identityPool).acknowledge({
      id: 'AwsSolutions-COG7',
      reason:
        'Guest (unauthenticated) identities are the product: anyone with the app may broadcast without an account. ' +
        'The guest role can only PutRecord/PutRecords on this one stream, and the consumer treats every record as untrusted input.',
    });
  }
}

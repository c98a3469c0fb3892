// Finding ids of cdk-nag rules that name a resource, built the way cdk-nag prints them (unresolved pseudo
// parameters as <AWS::…>, logical ids of GetAtt), so an acknowledgment names exactly one finding on exactly
// one resource.
import { Stack, Token, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

function pseudo(value: string, name: string): string {
  return Token.isUnresolved(value) ? `<AWS::${name}>` : value;
}

// CDK always writes AWS managed policy ARNs with the partition as a pseudo parameter.
export const LAMBDA_BASIC_EXECUTION_FINDING =
  'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]';

/** `<LogicalId.Arn>` as cdk-nag renders a Fn::GetAtt of a resource's Arn. */
export function arnRef(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return `<${String(stack.resolve(stack.getLogicalId(element)))}.Arn>`;
}

/** The objects of the CDK bootstrap asset bucket. */
export function assetBucketObjects(scope: IConstruct): string {
  const stack = Stack.of(scope);
  const qualifier = String(stack.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') ?? 'hnb659fds');
  const partition = pseudo(stack.partition, 'Partition');
  return `arn:${partition}:s3:::cdk-${qualifier}-assets-${pseudo(stack.account, 'AccountId')}-${pseudo(stack.region, 'Region')}/*`;
}

// One way to build every Node Lambda in the stack: the newest runtime, Graviton, bundled offline by the
// locally installed esbuild, JSON logs filtered by level into a log group with a retention, and a role that starts with
// nothing but writing to that log group (no AWS managed policy).
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';

// nodejs20.x is deprecated; NODEJS_24_X is the newest aws-cdk-lib 2.276 offers.
export const NODE_RUNTIME = lambda.Runtime.NODEJS_24_X;

export interface NodeFunctionProps {
  entry: string;
  description: string;
  memoryMiB: number;
  timeout: Duration;
  environment?: Record<string, string>;
  reservedConcurrency?: number;
}

export class NodeFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    // An explicit log group: a retention without CDK's LogRetention custom resource, and it goes with the stack.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: retentionDays(DEFAULTS.logs.functionLogRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      role: this.role,
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: NODE_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMiB,
      timeout: props.timeout,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      systemLogLevelV2: lambda.SystemLogLevel[DEFAULTS.logs.functionSystemLogLevel],
      applicationLogLevelV2: lambda.ApplicationLogLevel[DEFAULTS.logs.functionApplicationLogLevel],
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        // No Docker here or in CI: the esbuild from node_modules bundles.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        minify: true,
        sourceMap: true,
        // Bundle the AWS SDK too: the version we test with is the version that runs, not the runtime's.
        bundleAwsSDK: true,
        // ESM output still meets CommonJS dependencies that call require().
        banner: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
      },
    });
  }
}

// logs.RetentionDays is an enum of the allowed values; the number in DEFAULTS must be one of them.
export function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is logs.RetentionDays => typeof v === 'number');
  const match = allowed.find((v) => Number(v) === days);
  if (match === undefined) throw new Error(`${days} is not a CloudWatch Logs retention (${allowed.join(', ')})`);
  return match;
}

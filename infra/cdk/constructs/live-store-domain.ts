// The speed layer's store: a small Amazon OpenSearch domain that only named IAM principals can call, every
// request SigV4-signed. The access policy is written on the domain itself (not through CDK's access-policy
// custom resource), so it exists from the first second the domain does.
import { Arn, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as opensearch from 'aws-cdk-lib/aws-opensearchservice';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { retentionDays } from './node-function.ts';

export interface LiveStoreDomainProps {
  domainName: string;
  engineVersion: string;
  instanceType: string;
  adminPrincipalArn: string;
}

/** Who may call the domain, with which HTTP verbs (es:ESHttp<Verb>), on which request paths. */
export interface DomainAccess {
  principal: iam.IRole;
  verbs: readonly ('Get' | 'Head' | 'Post' | 'Put' | 'Delete' | 'Patch')[];
  /**
   * Request paths under the domain, IAM wildcards allowed (e.g. `hr-sessions/_doc/*`): OpenSearch matches
   * the policy's resource `domain/<name>/<path>` against the path of each request. Every path when absent.
   */
  paths?: readonly string[];
}

export class LiveStoreDomain extends Construct {
  readonly domain: opensearch.Domain;
  /** https://…, what the functions and the setup resource are given. */
  readonly endpointUrl: string;
  readonly dashboardsUrl: string;
  private readonly domainArnForPolicy: string;
  private readonly adminPrincipalArn: string;
  private readonly grants: DomainAccess[] = [];

  constructor(scope: Construct, id: string, props: LiveStoreDomainProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.adminPrincipalArn = props.adminPrincipalArn;
    // Built from the fixed name: the domain cannot reference its own ARN, and the log policy must exist
    // before the domain does.
    this.domainArnForPolicy = Arn.format({ service: 'es', resource: 'domain', resourceName: props.domainName }, stack);

    const logGroups = {
      search: this.logGroup('SearchSlowLogs'),
      index: this.logGroup('IndexSlowLogs'),
      app: this.logGroup('AppLogs'),
    };
    const logPolicy = new logs.ResourcePolicy(this, 'LogPublishing', {
      policyStatements: [
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('es.amazonaws.com')],
          actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          resources: Object.values(logGroups).map((group) => `${group.logGroupArn}`),
          // Confused-deputy guard: only this domain in this account may publish here.
          conditions: {
            StringEquals: { 'aws:SourceAccount': stack.account },
            ArnLike: { 'aws:SourceArn': this.domainArnForPolicy },
          },
        }),
      ],
    });

    this.domain = new opensearch.Domain(this, 'Domain', {
      domainName: props.domainName,
      version: opensearch.EngineVersion.openSearch(props.engineVersion),
      capacity: {
        dataNodes: DEFAULTS.speedLayer.instanceCount,
        dataNodeInstanceType: props.instanceType,
        multiAzWithStandbyEnabled: false,
      },
      ebs: { volumeSize: DEFAULTS.speedLayer.volumeGiB, volumeType: ec2.EbsDeviceVolumeType.GP3 },
      zoneAwareness: { enabled: false },
      encryptionAtRest: { enabled: true },
      nodeToNodeEncryption: true,
      enforceHttps: true,
      tlsSecurityPolicy: opensearch.TLSSecurityPolicy.TLS_1_2_PFS,
      logging: {
        slowSearchLogEnabled: true,
        slowSearchLogGroup: logGroups.search,
        slowIndexLogEnabled: true,
        slowIndexLogGroup: logGroups.index,
        appLogEnabled: true,
        appLogGroup: logGroups.app,
      },
      suppressLogsResourcePolicy: true,
      enableAutoSoftwareUpdate: true,
      offPeakWindowEnabled: true,
      // Live data is rebuilt from nothing: every reading is also in S3, and the domain is a cache of the
      // last days. Keeping a stray domain running would cost more than losing it.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.domain.node.addDependency(logPolicy);
    // Rendered at synthesis: the functions register their roles after the domain exists.
    (this.domain.node.defaultChild as opensearch.CfnDomain).accessPolicies = Lazy.any({ produce: (): unknown => this.accessPolicy().toJSON() });
    this.endpointUrl = `https://${this.domain.domainEndpoint}`;
    this.dashboardsUrl = `https://${this.domain.domainEndpoint}/_dashboards/`;

    this.acknowledgeFindings();
  }

  /** Lets a role call the domain; the admin principal gets every verb. */
  allow(access: DomainAccess): void {
    this.grants.push(access);
  }

  private accessPolicy(): iam.PolicyDocument {
    const resources = [`${this.domainArnForPolicy}/*`];
    const statements = this.grants.map(
      (grant) =>
        new iam.PolicyStatement({
          principals: [new iam.ArnPrincipal(grant.principal.roleArn)],
          actions: grant.verbs.map((verb) => `es:ESHttp${verb}`),
          resources: grant.paths === undefined ? resources : grant.paths.map((path) => `${this.domainArnForPolicy}/${path}`),
        }),
    );
    statements.push(new iam.PolicyStatement({ principals: [new iam.ArnPrincipal(this.adminPrincipalArn)], actions: ['es:ESHttp*'], resources }));
    return new iam.PolicyDocument({ statements });
  }

  private logGroup(id: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      retention: retentionDays(DEFAULTS.speedLayer.logRetentionDays),
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }

  private acknowledgeFindings(): void {
    const ack = (id: string, reason: string): void => Validations.of(this.domain).acknowledge({ id, reason });
    ack(
      'AwsSolutions-OS1',
      'Not in a VPC: the functions would then need a VPC with NAT or endpoints (~USD 30+/month) for a one-person ' +
        'deployment. The domain accepts only SigV4-signed requests from the principals named in its access policy.',
    );
    ack(
      'AwsSolutions-OS3',
      'Access is granted to named IAM principals (consumer, live API, setup and the admin), not to IP ranges: Lambda has no fixed addresses. ' +
        'The consumer may only POST _mget and _bulk; the live API may only read the session documents and search the reading indices.',
    );
    ack(
      'AwsSolutions-OS4',
      'One data node by default for one person (DEFAULTS.speedLayer); dedicated masters would triple the cost. ' +
        'The domain is a cache of the last days: every reading is also in S3.',
    );
    ack(
      'AwsSolutions-OS7',
      'Single node, single AZ by default (see OS4): zone awareness needs at least two data nodes.',
    );
  }
}

// The synthesized template of a default deployment, asserted on what matters: who may do what, how failures
// are contained, what is encrypted and retained, and what the edge serves. Synthesized once, in beforeAll.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALERTS_INDEX_PATTERN, READINGS_INDEX_PATTERN } from '../../functions/store/opensearch-indices.ts';
import * as layout from '../../src/core/archive-layout.ts';
import { VIEW_ID_DOMAIN } from '../../src/core/session-key.ts';
import { SESSION_RETENTION } from '../../src/core/session-retention.ts';
import { DEFAULTS } from '../../infra/cdk/defaults.ts';
import { SPA_ROUTING_FUNCTION } from '../../infra/cdk/web/spa-routing.ts';
import { DASHBOARDS_NDJSON, ON_SUBSCRIBE_HANDLER } from '../../infra/cdk/paths.ts';
import { ADMIN_ARN, logicalIdStartingWith, synthesize, type Synthesized } from './synth.ts';

let synth: Synthesized;
let template: Template;
/** `<construct path>|<finding id>` of every acknowledgment cdk-nag consulted and found, during this synthesis. */
const usedAcknowledgments = new Set<string>();

beforeAll(() => {
  const stopRecording = recordUsedAcknowledgments(usedAcknowledgments);
  try {
    synth = synthesize();
  } finally {
    stopRecording();
  }
  template = synth.template;
});
afterAll(() => synth?.cleanUp());

type Json = Record<string, unknown>;
const resourcesOf = (type: string): Record<string, Json> => template.findResources(type);
const propsOf = (type: string, id: string): Json => (resourcesOf(type)[id]?.['Properties'] ?? {}) as Json;
const alarmTopicId = (): string => logicalIdStartingWith(template, 'AWS::SNS::Topic', 'AlarmsTopic');
const only = (type: string): [string, Json] => {
  const entries = Object.entries(resourcesOf(type));
  expect(entries, type).toHaveLength(1);
  const [id, resource] = entries[0] as [string, Json];
  return [id, (resource['Properties'] ?? {}) as Json];
};
const getAttArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('guest producers (Cognito identity pool, basic flow)', () => {
  it('allows guest identities and the classic flow', () => {
    template.hasResourceProperties('AWS::Cognito::IdentityPool', { AllowUnauthenticatedIdentities: true, AllowClassicFlow: true });
  });

  function guestRoleId(): string {
    const [, attachment] = only('AWS::Cognito::IdentityPoolRoleAttachment');
    const arn = (attachment['Roles'] as Json)['unauthenticated'] as { 'Fn::GetAtt': [string, string] };
    return arn['Fn::GetAtt'][0];
  }

  it('trusts only this pool (aud) and only unauthenticated identities (amr)', () => {
    const [poolId] = only('AWS::Cognito::IdentityPool');
    const role = propsOf('AWS::IAM::Role', guestRoleId());
    expect(role['AssumeRolePolicyDocument']).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'sts:AssumeRoleWithWebIdentity',
          Principal: { Federated: 'cognito-identity.amazonaws.com' },
          Condition: {
            StringEquals: { 'cognito-identity.amazonaws.com:aud': { Ref: poolId } },
            'ForAnyValue:StringLike': { 'cognito-identity.amazonaws.com:amr': 'unauthenticated' },
          },
        },
      ],
    });
    expect(role['ManagedPolicyArns']).toBeUndefined();
  });

  it('may only PutRecord/PutRecords on this one stream', () => {
    const roleId = guestRoleId();
    const [streamId] = only('AWS::Kinesis::Stream');
    const policies = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${roleId}"`),
    );
    expect(policies).toHaveLength(1);
    expect(((policies[0] as Json)['Properties'] as Json)['PolicyDocument']).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: getAttArn(streamId) }],
    });
  });

  it('gives the (unused) authenticated role no permissions at all', () => {
    const [, attachment] = only('AWS::Cognito::IdentityPoolRoleAttachment');
    const authenticated = ((attachment['Roles'] as Json)['authenticated'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const attached = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${authenticated}"`),
    );
    expect(attached).toEqual([]);
    expect(propsOf('AWS::IAM::Role', authenticated)['ManagedPolicyArns']).toBeUndefined();
  });
});

describe('stream', () => {
  it('is on-demand, retains 24 h and is encrypted with the AWS-managed Kinesis key', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', {
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      RetentionPeriodHours: 24,
      StreamEncryption: { EncryptionType: 'KMS', KeyId: 'alias/aws/kinesis' },
    });
  });
});

describe('consumer', () => {
  it("writes no START/REPORT line per invocation: every function of ours logs JSON, Lambda's own lines only from WARN", () => {
    // Prepare
    const ours = Object.entries(resourcesOf('AWS::Lambda::Function')).filter(([id]) =>
      ['ConsumerFunction', 'LiveApiFunction', 'OpenSearchSetupApplyFunction'].some((prefix) => id.startsWith(prefix)),
    );

    // Assess
    expect(ours).toHaveLength(3);
    for (const [id, fn] of ours) {
      expect((fn['Properties'] as Json)['LoggingConfig'], id).toEqual(
        expect.objectContaining({ LogFormat: 'JSON', SystemLogLevel: 'WARN', ApplicationLogLevel: 'INFO' }),
      );
    }
  });

  it('reads the stream through an enhanced fan-out consumer (the push path meets p95 ≤ 1 s only with it), with bounded retries, bisect, partial failures and a failure destination', () => {
    const [queueId] = only('AWS::SQS::Queue');
    const [streamId] = only('AWS::Kinesis::Stream');
    const [consumerId, consumer] = only('AWS::Kinesis::StreamConsumer');
    const [, mapping] = only('AWS::Lambda::EventSourceMapping');
    expect(consumer).toEqual(expect.objectContaining({ StreamARN: getAttArn(streamId) }));
    expect(mapping).toEqual(
      expect.objectContaining({
        EventSourceArn: { 'Fn::GetAtt': [consumerId, 'ConsumerARN'] },
        StartingPosition: 'TRIM_HORIZON',
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        BisectBatchOnFunctionError: true,
        MaximumRetryAttempts: 20,
        MaximumRecordAgeInSeconds: 3600,
        BatchSize: 500,
        MaximumBatchingWindowInSeconds: 0,
        ParallelizationFactor: 2,
        DestinationConfig: { OnFailure: { Destination: getAttArn(queueId) } },
      }),
    );
  });

  it('keeps failed-batch pointers encrypted, TLS-only, for 14 days', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('runs the real handler on Node 24, arm64, pointed at the domain over HTTPS', () => {
    const [domainId] = only('AWS::OpenSearchService::Domain');
    const consumerId = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'ConsumerFunction');
    expect(propsOf('AWS::Lambda::Function', consumerId)).toEqual(
      expect.objectContaining({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Environment: {
          Variables: expect.objectContaining({
            OPENSEARCH_ENDPOINT: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] }]] },
          }),
        },
      }),
    );
  });

  it('waits for the index templates before it can start writing', () => {
    const [setupId] = only('Custom::LiveHeartRateOpenSearchSetup');
    const consumerId = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'ConsumerFunction');
    expect(resourcesOf('AWS::Lambda::Function')[consumerId]?.['DependsOn']).toEqual(expect.arrayContaining([setupId]));
  });

  it('uses no deprecated or older Node runtime anywhere in the stack', () => {
    const runtimes = Object.values(resourcesOf('AWS::Lambda::Function'))
      .map((fn) => (fn['Properties'] as Json)['Runtime'])
      .filter((runtime): runtime is string => typeof runtime === 'string' && runtime.startsWith('nodejs'));
    expect(runtimes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(runtimes)).toEqual(new Set(['nodejs24.x']));
  });
});

describe('OpenSearch domain', () => {
  it('is encrypted at rest and between nodes, HTTPS only with a TLS 1.2 policy, sized for one person', () => {
    template.hasResourceProperties('AWS::OpenSearchService::Domain', {
      DomainName: 'liveheartrate',
      EngineVersion: 'OpenSearch_3.7',
      EncryptionAtRestOptions: { Enabled: true },
      NodeToNodeEncryptionOptions: { Enabled: true },
      DomainEndpointOptions: { EnforceHTTPS: true, TLSSecurityPolicy: 'Policy-Min-TLS-1-2-PFS-2023-10' },
      ClusterConfig: Match.objectLike({ InstanceType: 't3.small.search', InstanceCount: 1, DedicatedMasterEnabled: false }),
      EBSOptions: { EBSEnabled: true, VolumeType: 'gp3', VolumeSize: 10 },
    });
  });

  it('lets only the consumer, the live API, the setup function, the sessions retention, the alert clock and the admin principal in', () => {
    const [, domain] = only('AWS::OpenSearchService::Domain');
    const statements = (domain['AccessPolicies'] as { Statement: Json[] }).Statement;
    const principals = statements.map((statement) => (statement['Principal'] as Json)['AWS']);
    const roleId = (prefix: string) => logicalIdStartingWith(template, 'AWS::IAM::Role', prefix);
    expect(principals).toEqual([
      getAttArn(roleId('ConsumerRole')),
      getAttArn(roleId('ConsumerRole')),
      getAttArn(roleId('LiveApiRole')),
      getAttArn(roleId('LiveApiRole')),
      getAttArn(roleId('OpenSearchSetupApplyRole')),
      getAttArn(roleId('SessionRetentionDeleteRole')),
      getAttArn(roleId('AlertClockFoldRole')),
      getAttArn(roleId('AlertClockFoldRole')),
      ADMIN_ARN,
    ]);
    for (const statement of statements) {
      expect(statement['Effect']).toBe('Allow');
      expect(statement['Condition']).toBeUndefined();
    }
    // The runtime roles cannot delete or reconfigure anything (the consumer and the live API: see "least privilege").
    expect(statements[0]?.['Action']).toBe('es:ESHttpPost');
    expect(JSON.stringify(statements)).not.toMatch(/"(AWS|Principal)":"\*"/);
    expect(domain['AdvancedSecurityOptions']).toBeUndefined();
  });

  it('alarms before the volume is full', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ES',
      MetricName: 'FreeStorageSpace',
      ComparisonOperator: 'LessThanOrEqualToThreshold',
      Threshold: 2560,
    });
  });

  it('alarms when the domain holds more shards than a week of daily indices on one node explains', () => {
    // 7 days kept + 4 more the store may write or ISM has yet to delete, for readings and for alerts, + sessions,
    // no replicas on one node, and 20 for the domain's own indices: the 44th shard alarms.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ES',
      MetricName: 'Shards.active',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 44,
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'ClientId' }), Match.objectLike({ Name: 'DomainName' })]),
    });
  });

  it('publishes slow and application logs through a policy scoped to this domain', () => {
    const [, policy] = only('AWS::Logs::ResourcePolicy');
    const document = JSON.parse(flattenJoin(policy['PolicyDocument'])) as { Statement: Json[] };
    expect(document.Statement).toHaveLength(1);
    expect(document.Statement[0]).toEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { Service: 'es.amazonaws.com' },
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Condition: {
          StringEquals: { 'aws:SourceAccount': '123456789012' },
          ArnLike: { 'aws:SourceArn': 'arn:aws:es:eu-west-1:123456789012:domain/liveheartrate' },
        },
      }),
    );
    const [, domain] = only('AWS::OpenSearchService::Domain');
    expect(Object.keys(domain['LogPublishingOptions'] as Json).sort()).toEqual(['ES_APPLICATION_LOGS', 'INDEX_SLOW_LOGS', 'SEARCH_SLOW_LOGS']);
  });
});

describe('deploy-time OpenSearch setup', () => {
  function setupConfig(): Json {
    const [, resource] = only('Custom::LiveHeartRateOpenSearchSetup');
    return JSON.parse(resource['Config'] as string) as Json;
  }

  it('applies the live store index templates with a 1 s refresh and no replica on one node', () => {
    const templates = setupConfig()['indexTemplates'] as Record<string, { index_patterns: string[]; template: { settings: { index: Json } } }>;
    expect(Object.keys(templates).sort()).toEqual(['hr-alerts', 'hr-readings', 'hr-sessions']);
    expect(templates['hr-readings']?.index_patterns).toEqual([READINGS_INDEX_PATTERN]);
    expect(templates['hr-alerts']?.index_patterns).toEqual([ALERTS_INDEX_PATTERN]);
    for (const [name, body] of Object.entries(templates)) {
      expect(body.template.settings.index['number_of_replicas'], name).toBe(0);
      // Viewers wait on readings and sessions; alert documents are for Dashboards, at the default refresh.
      if (name !== 'hr-alerts') expect(body.template.settings.index['refresh_interval'], name).toBe('1s');
    }
  });

  it('deletes reading and alert indices 7 days after creation (ISM), for new and existing indices', () => {
    const policies = setupConfig()['ismPolicies'] as Record<string, { indexPattern: string; policy: { policy: Json } }>;
    expect(Object.values(policies).map((p) => p.indexPattern)).toEqual([READINGS_INDEX_PATTERN, ALERTS_INDEX_PATTERN]);
    for (const setup of Object.values(policies)) {
      expect(setup.policy.policy['ism_template']).toEqual([{ index_patterns: [setup.indexPattern], priority: 100 }]);
      expect(JSON.stringify(setup.policy.policy['states'])).toContain('"min_index_age":"7d"');
      expect(JSON.stringify(setup.policy.policy['states'])).toContain('"delete":{}');
    }
  });

  it('waits for a new domain through the Provider completion check, under one deadline that fits inside the total timeout', () => {
    // Prepare
    const [fnId, fn] = Object.entries(resourcesOf('AWS::Lambda::Function')).find(([id]) => id.startsWith('OpenSearchSetupApplyFunction')) ?? [];
    const props = (fn?.['Properties'] ?? {}) as { Timeout: number; Environment: { Variables: Record<string, string> } };
    const env = props.Environment.Variables;
    const deadlineS = Number(env['SETUP_DEADLINE_MS']) / 1000;
    const dashboardsWaitS = Number(env['SETUP_DASHBOARDS_WAIT_MS']) / 1000;
    const requestTimeoutS = Number(env['SETUP_REQUEST_TIMEOUT_MS']) / 1000;
    const [, machine] = only('AWS::StepFunctions::StateMachine');
    const definition = JSON.stringify(machine['DefinitionString']);
    const retry = /IntervalSeconds\\":(\d+),\\"MaxAttempts\\":(\d+),\\"BackoffRate\\":1\b/.exec(definition);
    const intervalS = Number(retry?.[1]);
    const totalTimeoutS = intervalS * Number(retry?.[2]);
    const config = setupConfig() as { indexTemplates: Json; ismPolicies: Json };
    // Templates, then per policy GET + PUT + add + change_policy, then the Dashboards import.
    const requestsPerPass = Object.keys(config.indexTemplates).length + 4 * Object.keys(config.ismPolicies).length + 1;

    // Assess: one function answers both roles.
    const frameworkEnv = Object.values(resourcesOf('AWS::Lambda::Function'))
      .map((f) => ((f['Properties'] as { Environment?: { Variables?: Json } }).Environment?.Variables ?? {}))
      .find((vars) => 'USER_IS_COMPLETE_FUNCTION_ARN' in vars);
    expect(frameworkEnv?.['USER_ON_EVENT_FUNCTION_ARN']).toEqual(getAttArn(fnId ?? ''));
    expect(frameworkEnv?.['USER_IS_COMPLETE_FUNCTION_ARN']).toEqual(getAttArn(fnId ?? ''));
    // A pass fits in one invocation even if every request takes its whole timeout.
    expect(props.Timeout).toBeGreaterThanOrEqual(requestsPerPass * requestTimeoutS);
    // A slow Dashboards is given up on (reported) before the deadline would fail the stack for it.
    expect(dashboardsWaitS).toBeLessThan(deadlineS);
    // The last check before the deadline, and the one after it that fails with the domain's answer, both run
    // before the framework's own timeout ("Operation timed out"), which stays inside CloudFormation's hour.
    expect(deadlineS + intervalS + props.Timeout).toBeLessThanOrEqual(totalTimeoutS);
    expect(totalTimeoutS).toBeLessThanOrEqual(3600);
  });

  it('imports the Dashboards saved objects shipped in the repo and reports the outcome as an output', () => {
    expect(setupConfig()['dashboardsNdjson']).toBe(readFileSync(DASHBOARDS_NDJSON, 'utf8'));
    const [setupId] = only('Custom::LiveHeartRateOpenSearchSetup');
    template.hasOutput('DashboardsImport', { Value: { 'Fn::GetAtt': [setupId, 'Dashboards'] } });
  });
});

describe('sessions retention', () => {
  const roleId = () => logicalIdStartingWith(template, 'AWS::IAM::Role', 'SessionRetentionDeleteRole');
  const functionId = () => logicalIdStartingWith(template, 'AWS::Lambda::Function', 'SessionRetentionDeleteFunction');

  it('keeps sessions as long as the reading indices, in AWS and in the embedded stack alike', () => {
    expect(DEFAULTS.speedLayer.retentionDays).toBe(SESSION_RETENTION.days);
    expect(DEFAULTS.sessionRetention.everyMinutes).toBe(SESSION_RETENTION.everyMinutes);
  });

  it('runs the retention handler every hour on an EventBridge schedule, told the speed layer retention', () => {
    // Prepare
    const [domainId] = only('AWS::OpenSearchService::Domain');

    // Act
    const fn = propsOf('AWS::Lambda::Function', functionId());

    // Assess
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 hour)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: getAttArn(functionId()) })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: getAttArn(functionId()) });
    expect(fn['Environment']).toEqual({
      Variables: expect.objectContaining({
        RETENTION_DAYS: '7',
        OPENSEARCH_ENDPOINT: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] }]] },
      }),
    });
  });

  it('may only delete by query on the sessions index, nothing else on the domain', () => {
    // Prepare
    const [, domain] = only('AWS::OpenSearchService::Domain');
    const role = JSON.stringify(getAttArn(roleId()));

    // Act
    const statements = (domain['AccessPolicies'] as { Statement: Json[] }).Statement.filter((statement) => JSON.stringify((statement['Principal'] as Json)['AWS']) === role);
    const attached = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${roleId()}"`));

    // Assess
    expect(statements).toHaveLength(1);
    expect(statements[0]?.['Action']).toBe('es:ESHttpPost');
    expect(flattenJoin(statements[0]?.['Resource'])).toBe('arn:aws:es:eu-west-1:123456789012:domain/liveheartrate/hr-sessions/_delete_by_query');
    expect(JSON.stringify(attached)).not.toMatch(/"es:/);
  });
});

describe('alert clock', () => {
  const roleId = () => logicalIdStartingWith(template, 'AWS::IAM::Role', 'AlertClockFoldRole');
  const functionId = () => logicalIdStartingWith(template, 'AWS::Lambda::Function', 'AlertClockFoldFunction');

  it('runs the alert clock handler every minute (EventBridge\'s finest rate), pointed at the domain', () => {
    // Prepare
    const [domainId] = only('AWS::OpenSearchService::Domain');

    // Act
    const fn = propsOf('AWS::Lambda::Function', functionId());

    // Assess
    expect(DEFAULTS.alertClock.everyMinutes).toBe(1);
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: getAttArn(functionId()), RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: getAttArn(functionId()) });
    expect(fn['Environment']).toEqual({
      Variables: expect.objectContaining({ OPENSEARCH_ENDPOINT: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [domainId, 'DomainEndpoint'] }]] } }),
    });
  });

  it('may only search and bulk-write the sessions index and bulk-write the alerts indices, nothing else on the domain', () => {
    // Prepare
    const [, domain] = only('AWS::OpenSearchService::Domain');
    const role = JSON.stringify(getAttArn(roleId()));

    // Act
    const statements = (domain['AccessPolicies'] as { Statement: Json[] }).Statement.filter((statement) => JSON.stringify((statement['Principal'] as Json)['AWS']) === role);
    const attached = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${roleId()}"`));

    // Assess: the search is a POST; the client sends a bulk with the index in its path as PUT.
    expect(statements.map((statement) => [statement['Action'], [statement['Resource']].flat().map(flattenJoin)])).toEqual([
      ['es:ESHttpPost', ['arn:aws:es:eu-west-1:123456789012:domain/liveheartrate/hr-sessions/_search']],
      [
        'es:ESHttpPut',
        ['arn:aws:es:eu-west-1:123456789012:domain/liveheartrate/hr-sessions/_bulk', 'arn:aws:es:eu-west-1:123456789012:domain/liveheartrate/hr-alerts-*/_bulk'],
      ],
    ]);
    expect(JSON.stringify(attached)).not.toMatch(/"es:/);
  });
});

describe('alerts in AWS', () => {
  const alertTopicId = () => logicalIdStartingWith(template, 'AWS::SNS::Topic', 'AlertsTopic');
  const roleId = (prefix: string) => logicalIdStartingWith(template, 'AWS::IAM::Role', prefix);
  const snsStatementsOf = (role: string): Json[] =>
    Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${role}"`))
      .flatMap((policy) => ((policy['Properties'] as { PolicyDocument: { Statement: Json[] } }).PolicyDocument.Statement))
      .filter((statement) => JSON.stringify(statement['Action']).includes('sns:'));

  it('has an alert topic of its own, encrypted with the AWS managed key and TLS only, with no subscription unless asked', () => {
    // Act
    const topic = propsOf('AWS::SNS::Topic', alertTopicId());
    const subscriptions = Object.values(resourcesOf('AWS::SNS::Subscription'));

    // Assess
    expect(alertTopicId()).not.toBe(alarmTopicId());
    expect(topic['DisplayName']).toBe('liveheartrate alerts');
    expect(flattenJoin(topic['KmsMasterKeyId'])).toMatch(/alias\/aws\/sns$/);
    expect(subscriptions).toEqual([]);
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: alertTopicId() }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('lets the consumer and the alert clock do exactly sns:Publish on the alert topic, and tells them its ARN', () => {
    for (const prefix of ['ConsumerRole', 'AlertClockFoldRole']) {
      // Act
      const statements = snsStatementsOf(roleId(prefix));

      // Assess
      expect(statements, prefix).toEqual([{ Action: 'sns:Publish', Effect: 'Allow', Resource: { Ref: alertTopicId() } }]);
    }
    for (const prefix of ['ConsumerFunction', 'AlertClockFoldFunction']) {
      const fn = propsOf('AWS::Lambda::Function', logicalIdStartingWith(template, 'AWS::Lambda::Function', prefix));
      expect((fn['Environment'] as { Variables: Json }).Variables['ALERT_TOPIC_ARN'], prefix).toEqual({ Ref: alertTopicId() });
    }
    // No other role may publish alerts.
    const publishers = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) => JSON.stringify(policy).includes(`{"Ref":"${alertTopicId()}"}`));
    expect(publishers).toHaveLength(2);
  });

  it('names the alert topic in the outputs', () => {
    template.hasOutput('AlertTopicArn', { Value: { Ref: alertTopicId() } });
  });
});

describe('batch layer', () => {
  const bucketId = (prefix: string) => logicalIdStartingWith(template, 'AWS::S3::Bucket', prefix);

  it('keeps every bucket private, encrypted and TLS-only', () => {
    const buckets = resourcesOf('AWS::S3::Bucket');
    expect(Object.keys(buckets)).toHaveLength(4);
    for (const [id, bucket] of Object.entries(buckets)) {
      const props = bucket['Properties'] as Json;
      expect(props['PublicAccessBlockConfiguration'], id).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(JSON.stringify(props['BucketEncryption']), id).toContain('"SSEAlgorithm":"AES256"');
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: id },
        PolicyDocument: {
          Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
        },
      });
    }
  });

  it('expires the archive after 365 days and keeps it when the stack is deleted', () => {
    const raw = resourcesOf('AWS::S3::Bucket')[bucketId('BatchRaw')] as Json;
    expect(raw['DeletionPolicy']).toBe('Retain');
    expect(JSON.stringify(raw['Properties'])).toContain('"ExpirationInDays":365');
    expect(JSON.stringify(propsOf('AWS::S3::Bucket', bucketId('BatchAthenaResults')))).toContain('"ExpirationInDays":7');
    expect(JSON.stringify(propsOf('AWS::S3::Bucket', bucketId('AccessLogs')))).toContain('"ExpirationInDays":90');
  });

  it('deletes the Glue database and table on rollback or destroy, so a failed first deploy leaves no name taken', () => {
    const [databaseId] = only('AWS::Glue::Database');
    const [tableId] = only('AWS::Glue::Table');
    expect(resourcesOf('AWS::Glue::Database')[databaseId]?.['DeletionPolicy']).toBe('Delete');
    // A table without a policy is deleted (CloudFormation's default); one with Retain would block the next deploy too.
    expect(resourcesOf('AWS::Glue::Table')[tableId]?.['DeletionPolicy'] ?? 'Delete').toBe('Delete');
  });

  it('expires errors/ (malformed input as sent, keys possible) after two weeks, well before the archive', () => {
    const rules = (propsOf('AWS::S3::Bucket', bucketId('BatchRaw'))['LifecycleConfiguration'] as { Rules: Json[] }).Rules;
    expect(rules).toContainEqual({ Id: 'errors', Prefix: layout.ARCHIVE_ERROR_PREFIX, ExpirationInDays: 14, Status: 'Enabled' });
    expect(DEFAULTS.batchLayer.errorRetentionDays).toBeLessThan(DEFAULTS.batchLayer.rawRetentionDays);
  });

  const delivery = (): Json => only('AWS::KinesisFirehose::DeliveryStream')[1];
  const destination = (): Json => delivery()['ExtendedS3DestinationConfiguration'] as Json;
  const transformId = (): string => logicalIdStartingWith(template, 'AWS::Lambda::Function', 'BatchTransformFunction');

  it('delivers the stream to S3 by arrival hour, in the folders of the archive layout, with an error prefix by output type', () => {
    const [streamId] = only('AWS::Kinesis::Stream');
    expect(delivery()).toEqual(
      expect.objectContaining({
        DeliveryStreamType: 'KinesisStreamAsSource',
        KinesisStreamSourceConfiguration: expect.objectContaining({ KinesisStreamARN: getAttArn(streamId) }),
      }),
    );
    expect(destination()).toEqual(
      expect.objectContaining({
        BucketARN: getAttArn(bucketId('BatchRaw')),
        Prefix: `${layout.ARCHIVE_DATA_PREFIX}${layout.FIREHOSE_PARTITION_PATH}`,
        ErrorOutputPrefix: `${layout.ARCHIVE_ERROR_PREFIX}!{firehose:error-output-type}/${layout.FIREHOSE_PARTITION_PATH}`,
        BufferingHints: { IntervalInSeconds: 300, SizeInMBs: 64 },
      }),
    );
    // The prefix Firehose expands is the folder the embedded copier and DuckDB use, for any arrival time.
    const arrival = Date.UTC(2026, 0, 2, 3, 4, 5);
    const expanded = layout.FIREHOSE_PARTITION_PATH.replace(/!\{timestamp:(\w+)\}/g, (_, format: string) =>
      ({ yyyy: '2026', MM: '01', dd: '02', HH: '03' })[format] ?? '?',
    );
    expect(expanded).toBe(layout.archivePartitionPath(arrival));
  });

  it('transforms every record with the archive transform Lambda (Node 24, arm64) before anything is written', () => {
    // Prepare
    const processing = destination()['ProcessingConfiguration'] as { Enabled: boolean; Processors: Array<{ Type: string; Parameters: Json[] }> };
    const fn = propsOf('AWS::Lambda::Function', transformId());
    const bundle = join(synth.app.outdir, `asset.${String((fn['Code'] as Json)['S3Key']).replace(/\.zip$/, '')}`, 'index.mjs');

    // Act
    const parameters = Object.fromEntries(processing.Processors[0]?.Parameters.map((p) => [p['ParameterName'], p['ParameterValue']]) ?? []);

    // Assess: one processor, that function, the buffers of DEFAULTS; the bundle is the transform (its log message
    // and the view-id domain it hashes under).
    expect(processing.Enabled).toBe(true);
    expect(processing.Processors.map((p) => p.Type)).toEqual(['Lambda']);
    expect(parameters).toEqual(
      expect.objectContaining({
        LambdaArn: getAttArn(transformId()),
        BufferIntervalInSeconds: String(DEFAULTS.archiveTransform.bufferIntervalSeconds),
        BufferSizeInMBs: String(DEFAULTS.archiveTransform.bufferSizeMiB),
        NumberOfRetries: String(DEFAULTS.archiveTransform.retries),
      }),
    );
    expect(fn).toEqual(expect.objectContaining({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler' }));
    const code = readFileSync(bundle, 'utf8');
    expect(code).toContain('archive transform');
    expect(code).toContain(VIEW_ID_DOMAIN);
  });

  it('converts the lines to Snappy Parquet with the schema of this stack\'s Glue table, mapping the renamed keys', () => {
    const [databaseId] = only('AWS::Glue::Database');
    const [tableId] = only('AWS::Glue::Table');
    const conversion = destination()['DataFormatConversionConfiguration'] as Json;
    expect(conversion).toEqual({
      Enabled: true,
      SchemaConfiguration: expect.objectContaining({ DatabaseName: { Ref: databaseId }, TableName: { Ref: tableId }, VersionId: 'LATEST' }),
      InputFormatConfiguration: {
        Deserializer: { OpenXJsonSerDe: { CaseInsensitive: false, ColumnToJsonKeyMappings: { viewid: 'viewId', ended: 'end' } } },
      },
      OutputFormatConfiguration: { Serializer: { ParquetSerDe: { Compression: 'SNAPPY' } } },
    });
    // With conversion, compression belongs to the serializer: a destination compression would be refused.
    expect(destination()['CompressionFormat']).toBeUndefined();
    expect(destination()['FileExtension']).toBe('.parquet');
  });

  it('describes the archive as Parquet with the archive columns (no key) and integer hour partitions projected onto the Firehose folders', () => {
    // Prepare
    const [, table] = only('AWS::Glue::Table');
    const input = table['TableInput'] as { Name: string; Parameters: Json; PartitionKeys: Json[]; StorageDescriptor: Json };
    const columns = (input.StorageDescriptor['Columns'] as Array<{ Name: string; Type: string }>).map((c) => `${c.Name}:${c.Type}`);

    // Assess
    expect(input.Name).toBe(layout.ARCHIVE_TABLE_NAME);
    expect(columns).toEqual(layout.ARCHIVE_COLUMNS.map((c) => `${c.name}:${c.type}`));
    expect(columns.map((c) => c.split(':')[0])).not.toContain('key');
    expect(input.StorageDescriptor['SerdeInfo']).toEqual({ SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' });
    expect(JSON.stringify(input)).not.toContain('ignore.malformed.json');
    expect(input.PartitionKeys.map((k) => `${String(k['Name'])}:${String(k['Type'])}`)).toEqual(layout.ARCHIVE_PARTITION_KEYS.map((k) => `${k}:int`));
    expect(input.Parameters).toEqual(
      expect.objectContaining({
        'projection.enabled': 'true',
        'projection.year.type': 'integer',
        'projection.year.range': '2025,2045',
        'projection.month.type': 'integer',
        'projection.month.range': '1,12',
        'projection.month.digits': '2',
        'projection.day.type': 'integer',
        'projection.day.range': '1,31',
        'projection.day.digits': '2',
        'projection.hour.type': 'integer',
        'projection.hour.range': '0,23',
        'projection.hour.digits': '2',
      }),
    );
    expect(input.Parameters).not.toHaveProperty('projection.year.digits');
    // The template path is the Firehose prefix with the partition values in place of the timestamps.
    expect(input.Parameters['storage.location.template']).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: bucketId('BatchRaw') }, '/readings/year=${year}/month=${month}/day=${day}/hour=${hour}/']],
    });
  });

  it('runs Athena in its own workgroup: enforced settings, own results location, a scan limit', () => {
    template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'LiveHeartRate-analytics',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        BytesScannedCutoffPerQuery: 1024 ** 3,
        EngineVersion: { SelectedEngineVersion: 'Athena engine version 3' },
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bucketId('BatchAthenaResults') }, '/results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      }),
    });
  });

  it('saves the four named queries in that workgroup', () => {
    const queries = Object.values(resourcesOf('AWS::Athena::NamedQuery')).map((query) => query['Properties'] as Json);
    expect(queries.map((query) => query['Name']).sort()).toEqual([
      'liveheartrate - daily statistics',
      'liveheartrate - session summary',
      'liveheartrate - sessions',
      'liveheartrate - time in heart-rate zones',
    ]);
    for (const query of queries) expect(query['WorkGroup']).toBe('LiveHeartRate-analytics');
  });
  it('alarms on the archive transform failing even once, since Firehose then sends the whole batch to errors/', () => {
    const transform = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'BatchTransformFunction');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: transform } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('web front', () => {
  const distribution = (): Json => only('AWS::CloudFront::Distribution')[1]['DistributionConfig'] as Json;

  it('serves the site from a private bucket and the API from an IAM-auth function URL, both through OAC', () => {
    const ids = Object.keys(resourcesOf('AWS::CloudFront::OriginAccessControl'));
    const types = ids.map((id) => (propsOf('AWS::CloudFront::OriginAccessControl', id)['OriginAccessControlConfig'] as Json)['OriginAccessControlOriginType']);
    expect(types.sort()).toEqual(['lambda', 's3']);
    for (const id of ids) {
      expect(propsOf('AWS::CloudFront::OriginAccessControl', id)['OriginAccessControlConfig']).toEqual(
        expect.objectContaining({ SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
      );
    }
    const origins = distribution()['Origins'] as Json[];
    expect(origins).toHaveLength(2);
    for (const origin of origins) expect(origin['OriginAccessControlId']).toBeDefined();
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'AWS_IAM' });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      Principal: 'cloudfront.amazonaws.com',
      SourceArn: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalIdStartingWith(template, 'AWS::S3::Bucket', 'WebSite') },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Allow', Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Condition: Match.anyValue() }),
        ]),
      },
    });
  });

  it('caches /api/* as the origin says, at most 1 s, keyed on after, limit and wait, with no SPA rewrite', () => {
    const [apiBehavior, ...others] = distribution()['CacheBehaviors'] as Json[];
    expect(others).toEqual([]);
    expect(apiBehavior).toEqual(
      expect.objectContaining({ PathPattern: '/api/*', ViewerProtocolPolicy: 'https-only', AllowedMethods: ['GET', 'HEAD'] }),
    );
    expect(apiBehavior?.['FunctionAssociations']).toBeUndefined();
    const cachePolicyId = (apiBehavior?.['CachePolicyId'] as { Ref: string }).Ref;
    expect(propsOf('AWS::CloudFront::CachePolicy', cachePolicyId)['CachePolicyConfig']).toEqual(
      expect.objectContaining({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 1,
        ParametersInCacheKeyAndForwardedToOrigin: expect.objectContaining({
          QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['after', 'limit', 'wait'] },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
        }),
      }),
    );
    // Error responses distribution-wide would turn API errors into index.html.
    expect(distribution()['CustomErrorResponses']).toBeUndefined();
  });

  it('routes app paths to index.html with a viewer-request function on the site behaviour only', () => {
    const defaultBehavior = distribution()['DefaultCacheBehavior'] as Json;
    expect(defaultBehavior['ViewerProtocolPolicy']).toBe('redirect-to-https');
    const [functionId] = only('AWS::CloudFront::Function');
    expect(defaultBehavior['FunctionAssociations']).toEqual([{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } }]);
    template.hasResourceProperties('AWS::CloudFront::Function', { FunctionCode: SPA_ROUTING_FUNCTION, FunctionConfig: Match.objectLike({ Runtime: 'cloudfront-js-2.0' }) });
  });

  it('adds CSP, HSTS, nosniff, frame and referrer headers to both behaviours', () => {
    const [policyId, policy] = only('AWS::CloudFront::ResponseHeadersPolicy');
    const config = (policy['ResponseHeadersPolicyConfig'] as Json)['SecurityHeadersConfig'] as Json;
    const csp = flattenJoin((config['ContentSecurityPolicy'] as Json)['ContentSecurityPolicy']);
    // The push channel's WebSocket goes to the Event API's own realtime domain, nothing wider.
    expect(csp).toContain(
      `connect-src 'self' https://kinesis.eu-west-1.amazonaws.com https://cognito-identity.eu-west-1.amazonaws.com https://sts.eu-west-1.amazonaws.com wss://${only('AWS::AppSync::Api')[0]}.Dns.Realtime;`,
    );
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(config['StrictTransportSecurity']).toEqual(expect.objectContaining({ AccessControlMaxAgeSec: 63072000, Override: true }));
    expect(config['ContentTypeOptions']).toEqual({ Override: true });
    expect(config['FrameOptions']).toEqual({ FrameOption: 'SAMEORIGIN', Override: true });
    expect(config['ReferrerPolicy']).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    const behaviors = [distribution()['DefaultCacheBehavior'] as Json, ...(distribution()['CacheBehaviors'] as Json[])];
    for (const behavior of behaviors) expect(behavior['ResponseHeadersPolicyId']).toEqual({ Ref: policyId });
  });

  it('logs viewer requests to the access-log bucket', () => {
    expect(distribution()['Logging']).toEqual({
      Bucket: { 'Fn::GetAtt': [logicalIdStartingWith(template, 'AWS::S3::Bucket', 'AccessLogs'), 'RegionalDomainName'] },
      Prefix: 'cloudfront/',
    });
  });

  it('deploys the build with a generated config.json pointing at this stack', () => {
    const deployments = Object.entries(resourcesOf('Custom::CDKBucketDeployment')).map(([id, r]) => [id, r['Properties'] as Json] as const);
    const site = deployments.find(([id]) => id.startsWith('WebDeploySite'))?.[1];
    const assets = deployments.find(([id]) => id.startsWith('WebDeployAssets'))?.[1];
    expect(assets).toEqual(expect.objectContaining({ DestinationBucketKeyPrefix: 'assets/', Prune: false, SystemMetadata: { 'cache-control': 'public, max-age=31536000, immutable' } }));
    expect(site).toEqual(expect.objectContaining({ Prune: true, Exclude: ['assets/*'], SystemMetadata: { 'cache-control': 'no-cache' } }));

    const markers = site?.['SourceMarkers'] as Array<Record<string, unknown>>;
    const index = markers.findIndex((m) => Object.keys(m).length > 0);
    const key = (site?.['SourceObjectKeys'] as string[])[index] as string;
    const file = join(synth.app.outdir, `asset.${key.replace(/\.zip$/, '')}`, 'config.json');
    expect(existsSync(file)).toBe(true);
    const config = JSON.parse(readFileSync(file, 'utf8')) as Json;
    // Tokens are markers in the file, filled in by the deployment from SourceMarkers.
    const filled = (marker: unknown) => (markers[index] ?? {})[String(marker)];
    const [streamId] = only('AWS::Kinesis::Stream');
    const [poolId] = only('AWS::Cognito::IdentityPool');
    const guestRole = (only('AWS::Cognito::IdentityPoolRoleAttachment')[1]['Roles'] as Json)['unauthenticated'];
    const kinesis = config['kinesis'] as Json;
    const cognito = config['cognito'] as Json;
    expect(Object.keys(config).sort()).toEqual(['apiUrl', 'cognito', 'kinesis', 'mode', 'push', 'region']);
    expect([config['mode'], config['region'], config['apiUrl']]).toEqual(['aws', 'eu-west-1', '/api']);
    expect(Object.keys(kinesis)).toEqual(['streamName']);
    expect(filled(kinesis['streamName'])).toEqual({ Ref: streamId });
    expect(Object.keys(cognito).sort()).toEqual(['guestRoleArn', 'identityPoolId']);
    expect(filled(cognito['identityPoolId'])).toEqual({ Ref: poolId });
    expect(filled(cognito['guestRoleArn'])).toEqual(guestRole);
    // The push channel: the Event API's two domains and its public key.
    const push = config['push'] as Json;
    const [apiId] = only('AWS::AppSync::Api');
    const [keyId] = only('AWS::AppSync::ApiKey');
    expect(Object.keys(push).sort()).toEqual(['apiKey', 'httpDomain', 'kind', 'realtimeDomain']);
    expect(push['kind']).toBe('appsync-events');
    expect(filled(push['httpDomain'])).toEqual({ 'Fn::GetAtt': [apiId, 'Dns.Http'] });
    expect(filled(push['realtimeDomain'])).toEqual({ 'Fn::GetAtt': [apiId, 'Dns.Realtime'] });
    expect(filled(push['apiKey'])).toEqual({ 'Fn::GetAtt': [keyId, 'ApiKey'] });
  });
});

describe('alarms', () => {
  it('watches consumer lag and errors, given-up batches, write throttling, alert publishing, the live store and the archive transform, notifying one topic', () => {
    const topicId = alarmTopicId();
    const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm['Properties'] as Json);
    expect(alarms.map((alarm) => `${String(alarm['Namespace'])}/${String(alarm['MetricName'])}`).sort()).toEqual([
      'AWS/ES/ClusterStatus.red',
      'AWS/ES/FreeStorageSpace',
      'AWS/ES/Shards.active',
      'AWS/Kinesis/WriteProvisionedThroughputExceeded',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Errors',
      'AWS/Lambda/IteratorAge',
      'AWS/SQS/ApproximateNumberOfMessagesVisible',
      'liveheartrate/AlertPublishFailures',
      'liveheartrate/RateLimitedRecords',
    ]);
    for (const alarm of alarms) {
      expect(alarm['AlarmActions']).toEqual([{ Ref: topicId }]);
      expect(alarm['TreatMissingData']).toBe('notBreaching');
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });
});

describe('limits and cost', () => {
  it('alarms on any record the per-session rate limit drops and any alert event not published, from the metrics written as EMF', () => {
    // Prepare
    const alarms = Object.values(resourcesOf('AWS::CloudWatch::Alarm')).map((alarm) => alarm['Properties'] as Json);

    // Act
    const limited = alarms.filter((alarm) => alarm['Namespace'] === 'liveheartrate');

    // Assess: the contract is namespace liveheartrate, no dimensions, a count per batch.
    expect(limited.map((alarm) => alarm['MetricName'])).toEqual(['RateLimitedRecords', 'AlertPublishFailures']);
    expect(limited[1]).toEqual(
      expect.objectContaining({ Statistic: 'Sum', Period: 300, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1, EvaluationPeriods: 1 }),
    );
    expect(limited.slice(0, 1)).toEqual([
      expect.objectContaining({
        MetricName: 'RateLimitedRecords',
        Statistic: 'Sum',
        Period: 300,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Threshold: 1,
        EvaluationPeriods: 1,
      }),
    ]);
    expect(limited.map((alarm) => alarm['Dimensions'])).toEqual([undefined, undefined]);
    // DroppedRecords counts contact gaps too, which ordinary use produces: no alarm on it.
    expect(alarms.map((alarm) => alarm['MetricName'])).not.toContain('DroppedRecords');
  });

  it('needs no CloudWatch permission for those metrics: the consumer only logs them', () => {
    // Prepare
    const consumerRole = `"${logicalIdStartingWith(template, 'AWS::IAM::Role', 'ConsumerRole')}"`;

    // Act
    const attached = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(consumerRole));

    // Assess
    expect(attached.length).toBeGreaterThan(0);
    expect(JSON.stringify(attached)).not.toMatch(/"cloudwatch:/);
  });

  it('reserves no concurrency by default, so the stack deploys into a new account with a quota of 10', () => {
    // Act
    const reserved = Object.values(resourcesOf('AWS::Lambda::Function')).filter((fn) => (fn['Properties'] as Json)['ReservedConcurrentExecutions'] !== undefined);

    // Assess
    expect(reserved).toEqual([]);
  });

  it('adds no web ACL by default', () => {
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    expect((only('AWS::CloudFront::Distribution')[1]['DistributionConfig'] as Json)['WebACLId']).toBeUndefined();
  });

  it("states the stream's capacity mode and budgets its Kinesis spend, notifying the alarm topic", () => {
    // Prepare
    const topicId = alarmTopicId();
    const [, budget] = only('AWS::Budgets::Budget');

    // Assess: on-demand by default, USD 40 a month (about 29 idle) plus USD 15 for each of its 4 starting shards' fan-out
    // consumer (about 11 each); forecast and actual both notify.
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'ON_DEMAND' } });
    expect(budget['Budget']).toEqual({
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 40 + 4 * 15, Unit: 'USD' },
      CostFilters: { Service: ['Amazon Kinesis'] },
    });
    const notifications = budget['NotificationsWithSubscribers'] as Json[];
    expect(notifications.map((n) => (n['Notification'] as Json)['NotificationType']).sort()).toEqual(['ACTUAL', 'FORECASTED']);
    for (const notification of notifications) {
      expect(notification['Notification']).toEqual(expect.objectContaining({ ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' }));
      expect(notification['Subscribers']).toEqual([{ SubscriptionType: 'SNS', Address: { Ref: topicId } }]);
    }
  });

  it('lets Budgets publish to the alarm topic for this account only', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'budgets.amazonaws.com' },
            Condition: {
              StringEquals: { 'aws:SourceAccount': '123456789012' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:budgets::123456789012:*' },
            },
          }),
        ]),
      },
    });
  });
});

describe('outputs', () => {
  it('tells the operator the app URL and where everything is', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs).toEqual(
      expect.arrayContaining(['AppUrl', 'StreamName', 'IdentityPoolId', 'OpenSearchDashboardsUrl', 'AthenaWorkGroup', 'RawDataBucket', 'SiteBucket', 'AthenaResultsBucket']),
    );
    const [distributionId] = only('AWS::CloudFront::Distribution');
    template.hasOutput('AppUrl', { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': [distributionId, 'DomainName'] }]] } });
  });
});

describe('least privilege', () => {
  const roleId = (prefix: string) => logicalIdStartingWith(template, 'AWS::IAM::Role', prefix);
  const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
  const domainArn = 'arn:aws:es:eu-west-1:123456789012:domain/liveheartrate';
  const WRITE_VERBS = /^es:(\*|ESHttp\*|ESHttp(Post|Put|Delete|Patch))$/;

  /** The live API's statements in the domain's access policy, as actions and request paths under the domain. */
  function liveApiAccess(): Array<{ actions: string[]; paths: string[] }> {
    const [, domain] = only('AWS::OpenSearchService::Domain');
    const statements = (domain['AccessPolicies'] as { Statement: Json[] }).Statement;
    const liveApi = JSON.stringify(getAttArn(roleId('LiveApiRole')));
    return statements
      .filter((statement) => JSON.stringify((statement['Principal'] as Json)['AWS']) === liveApi)
      .map((statement) => ({
        actions: asList(statement['Action']).map(String),
        paths: asList(statement['Resource']).map((resource) => flattenJoin(resource).replace(domainArn, '')),
      }));
  }

  it('lets the live API read session documents and search reading indices, and nothing that writes or deletes', () => {
    // Prepare
    const readingsSearch = `/${READINGS_INDEX_PATTERN}/_search`;

    // Act
    const access = liveApiAccess();

    // Assess
    expect(access.length).toBeGreaterThan(0);
    for (const { actions, paths } of access) {
      for (const action of actions) expect(action).toMatch(/^es:ESHttp(Get|Head|Post)$/);
      // POST on the whole domain (domain/*) also allows _bulk, _update and _delete_by_query.
      if (actions.some((action) => WRITE_VERBS.test(action))) expect(paths).toEqual([readingsSearch]);
      expect(paths).not.toContain('/*');
    }
    expect(access).toEqual([
      { actions: ['es:ESHttpGet'], paths: ['/hr-sessions/_doc/*'] },
      { actions: ['es:ESHttpGet', 'es:ESHttpPost'], paths: [readingsSearch] },
    ]);
  });

  it('lets the consumer POST only _mget and _bulk, the two calls its store makes, and PUT only the alerts indices\' _bulk', () => {
    // Prepare
    const [, domain] = only('AWS::OpenSearchService::Domain');
    const consumer = JSON.stringify(getAttArn(roleId('ConsumerRole')));

    // Act
    const access = (domain['AccessPolicies'] as { Statement: Json[] }).Statement.filter(
      (statement) => JSON.stringify((statement['Principal'] as Json)['AWS']) === consumer,
    ).map((statement) => ({
      actions: asList(statement['Action']).map(String),
      paths: asList(statement['Resource']).map((resource) => flattenJoin(resource).replace(domainArn, '')),
    }));

    // Assess: no GET, PUT or DELETE, and no path under an index (_delete_by_query, _update, settings).
    expect(access).toEqual([
      { actions: ['es:ESHttpPost'], paths: ['/_mget', '/_bulk'] },
      { actions: ['es:ESHttpPut'], paths: [`/${ALERTS_INDEX_PATTERN}/_bulk`] },
    ]);
  });

  it('gives the live API role no OpenSearch permission of its own', () => {
    // Prepare
    const liveApi = `"${roleId('LiveApiRole')}"`;

    // Act
    const attached = Object.values(resourcesOf('AWS::IAM::Policy')).filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(liveApi));

    // Assess
    expect(JSON.stringify(attached)).not.toMatch(/"es:/);
  });

  it('lets Firehose write the raw bucket but never delete from it', () => {
    // Prepare
    const [, delivery] = only('AWS::KinesisFirehose::DeliveryStream');
    const destinationRole = ((delivery['ExtendedS3DestinationConfiguration'] as Json)['RoleARN'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

    // Act
    const actions = Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${destinationRole}"`))
      .flatMap((policy) => ((policy['Properties'] as Json)['PolicyDocument'] as { Statement: Json[] }).Statement)
      .flatMap((statement) => asList(statement['Action']).map(String));

    // Assess
    const s3Actions = actions.filter((action) => action.startsWith('s3:'));
    expect(s3Actions.filter((action) => /^s3:(\*|Delete)/.test(action))).toEqual([]);
    expect(s3Actions.filter((action) => action.includes('*'))).toEqual([]);
    expect([...new Set(s3Actions)].sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
      's3:ListBucketMultipartUploads',
      's3:PutObject',
    ]);
  });
  it('lets Firehose invoke only the archive transform and read only its own Glue table\'s schema', () => {
    // Prepare
    const [, stream] = only('AWS::KinesisFirehose::DeliveryStream');
    const destinationRole = ((stream['ExtendedS3DestinationConfiguration'] as Json)['RoleARN'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const transform = logicalIdStartingWith(template, 'AWS::Lambda::Function', 'BatchTransformFunction');
    const [databaseId] = only('AWS::Glue::Database');
    const [tableId] = only('AWS::Glue::Table');

    // Act
    const statements = Object.values(resourcesOf('AWS::IAM::Policy'))
      .filter((policy) => JSON.stringify((policy['Properties'] as Json)['Roles']).includes(`"${destinationRole}"`))
      .flatMap((policy) => ((policy['Properties'] as Json)['PolicyDocument'] as { Statement: Json[] }).Statement);
    const about = (service: string) => statements.filter((s) => asList(s['Action']).some((a) => String(a).startsWith(`${service}:`)));

    // Assess: no other service than S3, logs, Lambda and Glue; nothing on "*".
    expect(new Set(statements.flatMap((s) => asList(s['Action']).map((a) => String(a).split(':')[0])))).toEqual(new Set(['s3', 'logs', 'lambda', 'glue']));
    for (const statement of statements) expect(asList(statement['Resource'])).not.toContain('*');
    expect(about('lambda')).toEqual([
      expect.objectContaining({ Action: 'lambda:InvokeFunction', Resource: [getAttArn(transform), { 'Fn::Join': ['', [getAttArn(transform), ':*']] }] }),
    ]);
    expect(about('glue')).toHaveLength(1);
    expect(asList(about('glue')[0]?.['Action']).sort()).toEqual(['glue:GetTable', 'glue:GetTableVersion', 'glue:GetTableVersions']);
    expect(asList(about('glue')[0]?.['Resource']).map(flattenJoin)).toEqual([
      'arn:aws:glue:eu-west-1:123456789012:catalog',
      `arn:aws:glue:eu-west-1:123456789012:database/?`,
      `arn:aws:glue:eu-west-1:123456789012:table/?/?`,
    ]);
    expect(JSON.stringify(about('glue')[0]?.['Resource'])).toContain(`{"Ref":"${databaseId}"},"/",{"Ref":"${tableId}"}`);
  });
});

describe('checks', () => {
  it('leaves no cdk-nag, CloudFormation-validation or annotation finding unacknowledged', () => {
    expect(synth.violations.map((v) => `${v.ruleName}: ${v.violatingConstructs?.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
  });

  it('synthesizes without CDK warnings or errors', () => {
    expect(synth.problems).toEqual([]);
  });

  it('gives every acknowledgment a reason', () => {
    const acknowledged = synth.stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((entry) => Object.values(entry.data as Record<string, unknown>));
    expect(acknowledged.length).toBeGreaterThan(10);
    // A sentence, not a placeholder.
    for (const reason of acknowledged) expect(String(reason).split(/\s+/).length).toBeGreaterThanOrEqual(8);
  });

  it('acknowledges only findings the template has: a stale acknowledgment would hide a future finding', () => {
    // Prepare
    const acknowledged = synth.stack.node.findAll().flatMap((construct) =>
      construct.node.metadata
        .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((entry) => Object.keys(entry.data as Record<string, unknown>).map((id) => `${construct.node.path}|${findingId(id)}`)),
    );

    // Act
    const unused = acknowledged.filter((acknowledgment) => !usedAcknowledgments.has(acknowledgment));

    // Assess
    expect(usedAcknowledgments.size).toBeGreaterThan(10);
    expect(unused).toEqual([]);
  });
});

/** Acknowledgment keys as cdk-nag compares them (older aws-cdk-lib wrote an `annotation::` prefix). */
function findingId(key: string): string {
  return key.replace(/^annotation::/i, '');
}

/**
 * Records which acknowledgment answered each of cdk-nag's questions "is this finding acknowledged here?".
 * cdk-nag reports only unacknowledged findings, so this is the one place that tells which acknowledgments
 * matched a finding; it wraps the real check and changes no answer. Returns the undo.
 */
function recordUsedAcknowledgments(used: Set<string>): () => void {
  const pack = NagPack.prototype as unknown as { isAcknowledged: (resource: IConstruct, ruleId: string) => boolean };
  const check = pack.isAcknowledged;
  pack.isAcknowledged = function (this: unknown, resource: IConstruct, ruleId: string): boolean {
    const acknowledged = check.call(this, resource, ruleId);
    for (let holder: IConstruct | undefined = resource; acknowledged && holder !== undefined; holder = holder.node.scope) {
      const holds = holder.node.metadata.some(
        (entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && Object.keys(entry.data as Record<string, unknown>).map(findingId).includes(ruleId),
      );
      if (holds) used.add(`${holder.node.path}|${ruleId}`);
    }
    return acknowledged;
  };
  return () => {
    pack.isAcknowledged = check;
  };
}

// What CloudFormation would fill in for the test environment (commercial partition).
const PSEUDO: Record<string, string> = { 'AWS::URLSuffix': 'amazonaws.com', 'AWS::Partition': 'aws' };

/** Flattens a Fn::Join of strings and pseudo parameters; anything else becomes "?". */
function flattenJoin(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  const attribute = (part: unknown): string | undefined => (part as { 'Fn::GetAtt'?: string[] })['Fn::GetAtt']?.join('.');
  return join[1].map((part) => (typeof part === 'string' ? part : (PSEUDO[String((part as { Ref?: string }).Ref)] ?? attribute(part) ?? '?'))).join(join[0]);
}

describe('push channel (AppSync Events)', () => {
  const apiId = () => only('AWS::AppSync::Api')[0];
  const consumerRoleId = () => logicalIdStartingWith(template, 'AWS::IAM::Role', 'ConsumerRole');
  /** Every statement of every identity policy that names an appsync action, with the roles it is attached to. */
  const appsyncStatements = () =>
    Object.values(resourcesOf('AWS::IAM::Policy')).flatMap((policy) => {
      const props = policy['Properties'] as Json;
      const statements = ((props['PolicyDocument'] as Json)['Statement'] as Json[]).filter((s) => JSON.stringify(s['Action']).includes('appsync:'));
      return statements.map((statement) => ({ roles: props['Roles'], statement }));
    });

  it('lets pages connect and subscribe with the API key and only IAM publish', () => {
    // Prepare
    const api = propsOf('AWS::AppSync::Api', apiId());
    const [, namespace] = only('AWS::AppSync::ChannelNamespace');
    const config = api['EventConfig'] as Json;
    const modes = (list: unknown) => (list as Json[]).map((m) => m['AuthType']);

    // Assess
    expect(modes(config['AuthProviders']).sort()).toEqual(['API_KEY', 'AWS_IAM']);
    expect(modes(config['ConnectionAuthModes'])).toEqual(['API_KEY']);
    expect(modes(config['DefaultSubscribeAuthModes'])).toEqual(['API_KEY']);
    expect(modes(config['DefaultPublishAuthModes'])).toEqual(['AWS_IAM']);
    const ns = namespace;
    expect(ns['Name']).toBe(DEFAULTS.push.namespace);
    expect(modes(ns['SubscribeAuthModes'])).toEqual(['API_KEY']);
    expect(modes(ns['PublishAuthModes'])).toEqual(['AWS_IAM']);
  });

  it('deploys the onSubscribe handler as written, so the tested code is the running code', () => {
    const [, namespace] = only('AWS::AppSync::ChannelNamespace');
    expect(namespace['CodeHandlers']).toBe(readFileSync(ON_SUBSCRIBE_HANDLER, 'utf8'));
  });

  it('gives the key an expiry a year on from the deployment', () => {
    const [, key] = only('AWS::AppSync::ApiKey');
    const expires = Number(key['Expires']) * 1000;
    expect(expires).toBeGreaterThan(Date.now() + (DEFAULTS.push.apiKeyValidDays - 1) * 86_400_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + DEFAULTS.push.apiKeyValidDays * 86_400_000);
  });

  it('lets the consumer and the alert clock alone publish, only to the live namespace, and tells each where', () => {
    // Act
    const statements = appsyncStatements();

    // Assess: the clock publishes the "no data" alerts it stores, which no write of the consumer carries.
    expect(statements.map((s) => s.roles)).toEqual(
      expect.arrayContaining([[{ Ref: consumerRoleId() }], [{ Ref: logicalIdStartingWith(template, 'AWS::IAM::Role', 'AlertClockFoldRole') }]]),
    );
    expect(statements).toHaveLength(2);
    for (const { statement } of statements) {
      expect(statement['Action']).toBe('appsync:EventPublish');
      expect(JSON.stringify(statement['Resource'])).toContain(`/channelNamespace/${DEFAULTS.push.namespace}`);
    }
    for (const prefix of ['ConsumerFunction', 'AlertClockFoldFunction']) {
      const fn = logicalIdStartingWith(template, 'AWS::Lambda::Function', prefix);
      const env = ((propsOf('AWS::Lambda::Function', fn)['Environment'] as Json)['Variables'] as Json)['PUSH_HTTP_DOMAIN'];
      expect(env).toEqual({ 'Fn::GetAtt': [apiId(), 'Dns.Http'] });
    }
  });
});

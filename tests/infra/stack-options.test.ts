// The options an operator can set at deploy time reach the template, and the template stays clean under them.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logicalIdStartingWith, synthesize, type Synthesized } from './synth.ts';

const CERTIFICATE_ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0';

let synth: Synthesized;
let template: Template;

beforeAll(() => {
  synth = synthesize({
    streamMode: 'provisioned',
    streamShards: '3',
    enhancedFanOut: 'true',
    reserveConcurrency: 'true',
    speedRetentionDays: '30',
    rawRetentionDays: '90',
    alarmEmail: 'ops@example.com',
    alertEmail: 'coach@example.com',
    domainName: 'hr.example.com',
    certificateArn: CERTIFICATE_ARN,
    openSearchDomainName: 'hr-live',
  });
  template = synth.template;
});
afterAll(() => synth?.cleanUp());

describe('deploy-time options', () => {
  it('provisions the stream with the given shards', () => {
    template.hasResourceProperties('AWS::Kinesis::Stream', { StreamModeDetails: { StreamMode: 'PROVISIONED' }, ShardCount: 3 });
  });

  it('delivers to the consumer through an enhanced fan-out consumer, with the same failure handling', () => {
    const consumerId = logicalIdStartingWith(template, 'AWS::Kinesis::StreamConsumer', 'ConsumerFanOut');
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [consumerId, 'ConsumerARN'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 20,
      MaximumRecordAgeInSeconds: 3600,
      MaximumBatchingWindowInSeconds: 0,
      DestinationConfig: Match.objectLike({ OnFailure: Match.anyValue() }),
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('keeps the guest role to PutRecord(s) on the stream even with a fan-out consumer', () => {
    const [streamId] = Object.keys(template.findResources('AWS::Kinesis::Stream'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Effect: 'Allow', Action: ['kinesis:PutRecord', 'kinesis:PutRecords'], Resource: { 'Fn::GetAtt': [streamId, 'Arn'] } }] },
    });
  });

  it('reserves the consumer its shards × parallelization factor and caps the live API', () => {
    // Prepare
    const reservedOf = (prefix: string) =>
      (template.findResources('AWS::Lambda::Function')[logicalIdStartingWith(template, 'AWS::Lambda::Function', prefix)]?.['Properties'] as Record<string, unknown>)[
        'ReservedConcurrentExecutions'
      ];

    // Assess: 3 shards × 2 concurrent batches per shard; the live API at DEFAULTS.liveApi.reservedConcurrency.
    expect(reservedOf('ConsumerFunction')).toBe(6);
    expect(reservedOf('LiveApiFunction')).toBe(10);
  });

  it('budgets the Kinesis spend of three provisioned shards with a fan-out consumer', () => {
    // 3 shards × USD 15, plus 3 fan-out consumer shards × USD 15.
    template.hasResourceProperties('AWS::Budgets::Budget', { Budget: Match.objectLike({ BudgetLimit: { Amount: 90, Unit: 'USD' } }) });
  });

  it('serves the custom domain with its certificate over TLS 1.2 at least', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['hr.example.com'],
        ViewerCertificate: { AcmCertificateArn: CERTIFICATE_ARN, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' },
      }),
    });
    template.hasOutput('AppUrl', { Value: 'https://hr.example.com' });
  });

  it('applies the chosen retentions to OpenSearch (ISM) and to the raw bucket', () => {
    const setup = Object.values(template.findResources('Custom::LiveHeartRateOpenSearchSetup'))[0] as { Properties: { Config: string } };
    expect(setup.Properties.Config).toContain('"min_index_age":"30d"');
    const raw = template.findResources('AWS::S3::Bucket')[logicalIdStartingWith(template, 'AWS::S3::Bucket', 'BatchRaw')];
    expect(JSON.stringify(raw)).toContain('"ExpirationInDays":90');
  });

  it('names the domain as asked, in its access policy too', () => {
    template.hasResourceProperties('AWS::OpenSearchService::Domain', { DomainName: 'hr-live' });
    const domain = Object.values(template.findResources('AWS::OpenSearchService::Domain'))[0];
    expect(JSON.stringify(domain)).toContain(':es:eu-west-1:123456789012:domain/hr-live/*');
  });

  it('sends alarms to the given address', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: { Ref: logicalIdStartingWith(template, 'AWS::SNS::Topic', 'AlarmsTopic') },
    });
  });

  it('sends alert events to the given address, from the alert topic only', () => {
    const subscriptions = Object.values(template.findResources('AWS::SNS::Subscription')).map((r) => (r as { Properties: Record<string, unknown> }).Properties);
    expect(subscriptions.filter((p) => p['Endpoint'] === 'coach@example.com')).toEqual([
      { Protocol: 'email', Endpoint: 'coach@example.com', TopicArn: { Ref: logicalIdStartingWith(template, 'AWS::SNS::Topic', 'AlertsTopic') } },
    ]);
  });

  it('stays free of unacknowledged findings and CDK warnings', () => {
    expect(synth.violations.map((v) => `${v.ruleName}: ${v.violatingConstructs?.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(synth.problems).toEqual([]);
  });
});

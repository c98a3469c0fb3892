// The optional web ACL (-c waf=true): a per-address rate limit on /api/* attached to the distribution, only
// where CloudFront can use it (us-east-1). Synthesized once in us-east-1; the region checks need no synthesis.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppOptionsError, readAppOptions } from '../../infra/cdk/app-options.ts';
import { ApiWebAcl } from '../../infra/cdk/constructs/api-web-acl.ts';
import { createApp } from '../../infra/cdk/create-app.ts';
import { REPO_ROOT } from '../../infra/cdk/paths.ts';
import { ADMIN_ARN, FIXTURE_SITE, scratchOutdir, synthesize, TEST_ENV, type Synthesized } from './synth.ts';

type Json = Record<string, unknown>;

let synth: Synthesized;
let template: Template;

beforeAll(() => {
  synth = synthesize({ waf: 'true' }, { account: TEST_ENV.account, region: 'us-east-1' });
  template = synth.template;
});
afterAll(() => synth?.cleanUp());

describe('web ACL (waf=true, us-east-1)', () => {
  it('blocks an address asking /api/* more than 600 times a minute, and counts nothing else', () => {
    // Act
    const [, acl] = Object.entries(template.findResources('AWS::WAFv2::WebACL'))[0] as [string, { Properties: Json }];

    // Assess
    expect(acl.Properties).toEqual(expect.objectContaining({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } }));
    const rules = acl.Properties['Rules'] as Json[];
    expect(rules).toHaveLength(1);
    expect(rules[0]).toEqual(
      expect.objectContaining({
        Action: { Block: {} },
        Statement: {
          RateBasedStatement: {
            AggregateKeyType: 'IP',
            Limit: 600,
            EvaluationWindowSec: 60,
            ScopeDownStatement: {
              ByteMatchStatement: {
                FieldToMatch: { UriPath: {} },
                PositionalConstraint: 'STARTS_WITH',
                SearchString: '/api/',
                TextTransformations: [{ Priority: 0, Type: 'NONE' }],
              },
            },
          },
        },
      }),
    );
  });

  it('is attached to the distribution', () => {
    // Prepare
    const [aclId] = Object.keys(template.findResources('AWS::WAFv2::WebACL'));

    // Act
    const distribution = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0] as { Properties: { DistributionConfig: Json } };

    // Assess
    expect(distribution.Properties.DistributionConfig['WebACLId']).toEqual({ 'Fn::GetAtt': [aclId, 'Arn'] });
  });

  it('satisfies cdk-nag CFR2 without its acknowledgment, and adds no other finding or warning', () => {
    expect(synth.violations.map((v) => `${v.ruleName}: ${v.violatingConstructs?.map((c) => c.constructPath).join(', ')}`)).toEqual([]);
    expect(synth.problems).toEqual([]);
    const acknowledged = synth.stack.node
      .findAll()
      .flatMap((construct) => construct.node.metadata.filter((entry) => entry.type === 'aws:cdk:acknowledged-rules'))
      .flatMap((entry) => Object.keys(entry.data as Json));
    expect(acknowledged).not.toContain('AwsSolutions-CFR2');
  });

  it('needs no region rule in the template when the region is known', () => {
    const rules = (template.toJSON()['Rules'] ?? {}) as Json;
    expect(Object.keys(rules).filter((id) => id.startsWith('ApiWebAcl'))).toEqual([]);
  });
});

describe('web ACL outside us-east-1', () => {
  it('refuses to synthesize a stack bound for another region, saying what to do', () => {
    // Prepare
    const options = readAppOptions((key) => ({ adminPrincipalArn: ADMIN_ARN, siteDir: FIXTURE_SITE, waf: 'true' })[key], REPO_ROOT);

    // Act
    const build = () => createApp({ options, appProps: { outdir: scratchOutdir() }, env: TEST_ENV });

    // Assess
    expect(build).toThrow(AppOptionsError);
    expect(build).toThrow(/waf=true needs the stack in us-east-1.*goes to eu-west-1.*AWS_REGION=us-east-1/);
  });

  it('makes an environment-agnostic template refuse to deploy anywhere but us-east-1', () => {
    // Prepare
    const stack = new Stack(new App({ outdir: scratchOutdir() }), 'Agnostic');

    // Act
    new ApiWebAcl(stack, 'ApiWebAcl', { apiPathPrefix: '/api/' });

    // Assess
    const rules = Template.fromStack(stack).toJSON()['Rules'] as Record<string, { Assertions: Json[] }>;
    const own = Object.entries(rules).filter(([id]) => id.startsWith('ApiWebAcl'));
    expect(own.map(([, rule]) => rule)).toEqual([
      {
        Assertions: [
          {
            Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] },
            AssertDescription: expect.stringContaining('us-east-1'),
          },
        ],
      },
    ]);
  });
});

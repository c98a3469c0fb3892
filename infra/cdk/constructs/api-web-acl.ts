// The optional web ACL (-c waf=true): one rate-based rule that blocks an address asking the live API more
// often than a few viewers would, for a while. The app's files are cached at the edge and are not counted.
// CloudFront takes web ACLs from us-east-1 only: synth refuses another known region (app-options.ts), and a
// template without a region carries a rule that refuses to deploy anywhere else.
import { Aws, CfnRule, Fn, Stack, Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { WAF_REGION } from '../app-options.ts';
import { DEFAULTS } from '../defaults.ts';

export interface ApiWebAclProps {
  /** The live API's path prefix at the edge, `/api/`. */
  apiPathPrefix: string;
}

export class ApiWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: ApiWebAclProps) {
    super(scope, id);
    const limit = DEFAULTS.apiRateLimit;
    const metricName = 'liveheartrate-api';

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      description: 'liveheartrate: rate limit per client address on the live API',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: { cloudWatchMetricsEnabled: true, metricName, sampledRequestsEnabled: true },
      rules: [
        {
          name: 'api-rate-per-address',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: limit.requestsPerWindow,
              evaluationWindowSec: limit.windowSeconds,
              // Only /api/* counts: opening the app fetches a dozen files, which must not eat a viewer's budget.
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: props.apiPathPrefix,
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: { cloudWatchMetricsEnabled: true, metricName: `${metricName}-rate`, sampledRequestsEnabled: true },
        },
      ],
    });

    if (Token.isUnresolved(Stack.of(this).region)) {
      new CfnRule(this, 'OnlyInUsEast1', {
        assertions: [
          {
            assert: Fn.conditionEquals(Aws.REGION, WAF_REGION),
            assertDescription: `waf=true deploys only to ${WAF_REGION}: CloudFront takes web ACLs from ${WAF_REGION} only.`,
          },
        ],
      });
    }
  }
}

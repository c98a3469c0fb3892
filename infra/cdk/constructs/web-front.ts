// What viewers and broadcasters reach: one CloudFront distribution serving the static app from a private
// bucket and the live API from a Lambda function URL, both through origin access control, with security
// headers on every response.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { join } from 'node:path';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';
import { HASHED_ASSET_CACHE_CONTROL, HASHED_ASSETS_DIR, NAMED_FILE_CACHE_CONTROL } from '../../asset-caching.ts';
import { DEFAULTS } from '../defaults.ts';
import { contentSecurityPolicy, HSTS_MAX_AGE_SECONDS, PERMISSIONS_POLICY } from '../web/security-headers.ts';
import { SPA_ROUTING_FUNCTION } from '../web/spa-routing.ts';
import { arnRef, assetBucketObjects, LAMBDA_BASIC_EXECUTION_FINDING } from './nag-findings.ts';
import { secureBucket } from './secure-bucket.ts';

export interface WebFrontProps {
  siteDir: string;
  liveApi: lambda.IFunction;
  accessLogsBucket: s3.IBucket;
  /** config.json for the app (docs/architecture.md "Two ways to run"); may hold tokens. */
  runtimeConfig: RuntimeConfig;
  customDomain?: { domainName: string; certificateArn: string };
  /** A CLOUDFRONT-scope web ACL (us-east-1) for the distribution: -c waf=true. */
  webAclArn?: string;
}

/** Where the live API is at the edge; the optional web ACL counts requests under this prefix. */
export const API_PATH_PREFIX = '/api/';
const API_PATH_PATTERN = `${API_PATH_PREFIX}*`;

export class WebFront extends Construct {
  readonly siteBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly appUrl: string;

  constructor(scope: Construct, id: string, props: WebFrontProps) {
    super(scope, id);
    const stack = Stack.of(this);
    this.siteBucket = secureBucket(this, 'Site', { accessLogs: { bucket: props.accessLogsBucket, prefix: 'site/' } });

    // IAM auth: the URL answers only requests CloudFront signs through origin access control.
    const apiUrl = props.liveApi.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'liveheartrate security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({
            region: stack.region,
            urlSuffix: stack.urlSuffix,
            ...(props.runtimeConfig.push?.kind === 'appsync-events' ? { pushRealtimeDomain: props.runtimeConfig.push.realtimeDomain } : {}),
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        // Only the app's own page may frame it (the overlay builder's preview), as CSP frame-ancestors says.
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.SAMEORIGIN, override: true },
        // A share link carries the view id in its path: never send it to another site.
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: PERMISSIONS_POLICY, override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    // About a second at the edge, as the live API asks (functions/live-api/responses.ts): the policy honours
    // the origin's Cache-Control and caps it at 1 s; no Cache-Control, no caching. Every query parameter
    // the API reads is in the key, which also makes CloudFront forward it: `after` and `limit` select the
    // page, and `wait` (the long-poll bound) must reach the origin to mean anything.
    const apiCache = new cloudfront.CachePolicy(this, 'ApiCache', {
      comment: 'liveheartrate live API: origin Cache-Control, at most 1 s',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(1),
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.allowList('after', 'limit', 'wait'),
      headerBehavior: cloudfront.CacheHeaderBehavior.none(),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const spaRouting = new cloudfront.Function(this, 'SpaRouting', {
      comment: 'App routes without a file extension get index.html',
      code: cloudfront.FunctionCode.fromInline(SPA_ROUTING_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const certificate = props.customDomain
      ? acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn)
      : undefined;

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'liveheartrate',
      defaultRootObject: 'index.html',
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: DEFAULTS.web.priceClass as cloudfront.PriceClass,
      enableLogging: true,
      logBucket: props.accessLogsBucket,
      logFilePrefix: 'cloudfront/',
      ...(props.webAclArn !== undefined ? { webAclId: props.webAclArn } : {}),
      // The policy can only be chosen with a certificate of our own (see the CFR4 acknowledgment).
      ...(props.customDomain && certificate
        ? { domainNames: [props.customDomain.domainName], certificate, minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 }
        : {}),
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
        // Honours the Cache-Control set at upload (below), with a 1 s floor.
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ function: spaRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
      },
      additionalBehaviors: {
        [API_PATH_PATTERN]: {
          origin: origins.FunctionUrlOrigin.withOriginAccessControl(apiUrl),
          viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
          allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
          cachePolicy: apiCache,
          responseHeadersPolicy: headers,
          compress: true,
        },
      },
    });
    this.appUrl = `https://${props.customDomain?.domainName ?? this.distribution.distributionDomainName}`;
    this.acknowledgeFindings(props.customDomain !== undefined, props.webAclArn !== undefined);

    // Cache-Control per file is infra/asset-caching.ts's rule, shared with the embedded server. Hashed files
    // are never pruned, so a page loaded before a deployment can still fetch the chunks it names.
    const hashedAssets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [s3deploy.Source.asset(join(props.siteDir, HASHED_ASSETS_DIR))],
      destinationBucket: this.siteBucket,
      destinationKeyPrefix: `${HASHED_ASSETS_DIR}/`,
      prune: false,
      cacheControl: [s3deploy.CacheControl.fromString(HASHED_ASSET_CACHE_CONTROL)],
      memoryLimit: 512,
    });
    // Everything else keeps its name across builds: browsers and CloudFront revalidate it, so a deployment
    // reaches everyone within a second.
    const site = new s3deploy.BucketDeployment(this, 'DeploySite', {
      sources: [
        s3deploy.Source.asset(props.siteDir, { exclude: [HASHED_ASSETS_DIR, `${HASHED_ASSETS_DIR}/**`, 'config.json'] }),
        s3deploy.Source.jsonData('config.json', props.runtimeConfig),
      ],
      destinationBucket: this.siteBucket,
      exclude: [`${HASHED_ASSETS_DIR}/*`],
      prune: true,
      cacheControl: [s3deploy.CacheControl.fromString(NAMED_FILE_CACHE_CONTROL)],
      memoryLimit: 512,
    });
    site.node.addDependency(hashedAssets);
    this.acknowledgeDeploymentFindings(site);
  }

  // BucketDeployment runs one CDK-owned Lambda (shared by both deployments of this memory size).
  private acknowledgeDeploymentFindings(deployment: s3deploy.BucketDeployment): void {
    const handler = deployment.handlerRole.node.scope;
    if (handler === undefined) throw new Error('BucketDeployment handler not found');
    const ack = (id: string, reason: string): void => Validations.of(handler).acknowledge({ id, reason });
    ack(LAMBDA_BASIC_EXECUTION_FINDING, "CDK's BucketDeployment function (not ours) writes its logs with the AWS managed basic execution policy.");
    ack('AwsSolutions-L1', "CDK's BucketDeployment function pins its own Python runtime (it runs the AWS CLI); it runs only during deployments.");
    // All of these come from CDK's own grants to that function, each limited to the two buckets involved.
    const grants: [string, string][] = [
      ['Action::s3:GetObject*', 'Reads the uploaded site archive from the CDK asset bucket and compares objects in the site bucket.'],
      ['Action::s3:GetBucket*', 'Reads bucket location and versioning of the asset and site buckets, as aws s3 sync does.'],
      ['Action::s3:List*', 'Lists the site bucket so that aws s3 sync can prune files that are gone from the build.'],
      ['Action::s3:DeleteObject*', 'Deletes files that are gone from the build (prune) in the site bucket only.'],
      ['Action::s3:Abort*', 'Aborts its own failed multipart uploads to the site bucket.'],
      [`Resource::${assetBucketObjects(this)}`, 'Objects of the CDK bootstrap asset bucket, where the site archive is uploaded before the copy.'],
      [`Resource::${arnRef(this.siteBucket)}/*`, 'Objects of the site bucket only: the deployment copies the build there and nowhere else.'],
    ];
    for (const [finding, reason] of grants) ack(`AwsSolutions-IAM5[${finding}]`, reason);
  }

  private acknowledgeFindings(customDomain: boolean, webAcl: boolean): void {
    const ack = (id: string, reason: string): void => Validations.of(this.distribution).acknowledge({ id, reason });
    ack(
      'AwsSolutions-CFR1',
      'No geo restriction: a share link is meant to work wherever the people it is shared with are.',
    );
    if (!webAcl) {
      ack(
        'AwsSolutions-CFR2',
        'No web ACL by default: it costs about USD 6 a month plus USD 0.60 per million requests (docs/deploy-aws.md, "Cost"). ' +
          'The API is read-only, its concurrency can be capped (reserveConcurrency), and -c waf=true adds a per-address rate limit on /api/*.',
      );
    }
    if (!customDomain) {
      ack(
        'AwsSolutions-CFR4',
        'Without a custom domain the distribution uses the default *.cloudfront.net certificate, whose viewer policy CloudFront fixes at TLSv1; ' +
          'with domainName/certificateArn the distribution enforces TLSv1.2_2021.',
      );
    }
  }
}

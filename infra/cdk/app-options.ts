// What an operator can choose at deploy time (CDK context: `cdk deploy -c key=value`, or cdk.json), parsed and
// checked before any construct exists, so a bad value fails synth with a message rather than a deploy.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULTS, type StreamMode } from './defaults.ts';

export interface AppOptions {
  /**
   * IAM principal (role or user ARN) that may call the OpenSearch domain and open Dashboards. Required, except
   * for a synth-only run (`npm run synth`), which stands in PLACEHOLDER_ADMIN_PRINCIPAL_ARN.
   */
  adminPrincipalArn: string;
  /** Set when adminPrincipalArn is the placeholder: the template is for reading, never for deploying. */
  adminIsPlaceholder?: true;
  /** The built PWA (vite build output); must contain index.html. */
  siteDir: string;
  stackName: string;
  streamMode: StreamMode;
  /** Used only when streamMode is 'provisioned'. */
  streamShards: number;
  enhancedFanOut: boolean;
  /**
   * Reserve concurrency for the consumer (its shards × parallelization factor) and the live API
   * (DEFAULTS.liveApi.reservedConcurrency). Off by default: the account must keep 100 unreserved.
   */
  reserveConcurrency: boolean;
  /** A CloudFront web ACL with a per-address rate limit on /api/*; the stack must be in us-east-1. */
  waf: boolean;
  speedRetentionDays: number;
  rawRetentionDays: number;
  openSearchDomainName: string;
  openSearchEngineVersion: string;
  openSearchInstanceType: string;
  /** Receives the pipeline alarms (SNS email subscription, confirmed by the recipient). */
  alarmEmail?: string;
  /** Receives alert events (SNS e-mail subscription to the alert topic, confirmed by the recipient). */
  alertEmail?: string;
  /** A custom host name for the app; needs certificateArn (an ACM certificate in us-east-1). */
  customDomain?: { domainName: string; certificateArn: string };
}

export class AppOptionsError extends Error {
  override name = 'AppOptionsError';
}

// CDK context holds strings when given with -c, and JSON values when given in cdk.json.
export type ContextReader = (key: string) => unknown;

/**
 * Context flag passed by `npm run synth` only: a synth with no admin principal uses the placeholder below, so a
 * fresh clone can look at the template. `npm run deploy` (and a plain `cdk deploy`) never pass it, and still refuse.
 */
export const ALLOW_PLACEHOLDER_ADMIN = 'allowPlaceholderAdmin';

/** In the reserved-looking account 000000000000, named so that nobody mistakes it for a real principal. */
export const PLACEHOLDER_ADMIN_PRINCIPAL_ARN = 'arn:aws:iam::000000000000:role/PLACEHOLDER-set-adminPrincipalArn-before-deploying';

export const PLACEHOLDER_NOTICE =
  `Notice: no adminPrincipalArn given, so this template names the placeholder ${PLACEHOLDER_ADMIN_PRINCIPAL_ARN} ` +
  'as the OpenSearch admin. It is for reading only: `npm run deploy` needs `-c adminPrincipalArn=<your role or user ARN>`.';

const IAM_PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const DOMAIN_NAME = /^[a-z][a-z0-9-]{2,27}$/;

export function readAppOptions(context: ContextReader, repoRoot: string): AppOptions {
  const givenAdmin = optionalString(context, 'adminPrincipalArn');
  const adminIsPlaceholder = givenAdmin === undefined && booleanOf(context, ALLOW_PLACEHOLDER_ADMIN, false);
  const adminPrincipalArn = adminIsPlaceholder ? PLACEHOLDER_ADMIN_PRINCIPAL_ARN : givenAdmin;
  // No default for a deployment: any default would either open the domain or lock its owner out.
  if (adminPrincipalArn === undefined) {
    throw new AppOptionsError(
      'Missing context adminPrincipalArn: the IAM role or user ARN allowed to administer OpenSearch, e.g. ' +
        '`npm run deploy -- -c adminPrincipalArn=arn:aws:iam::123456789012:role/Admin` (README "Deploy to AWS").',
    );
  }
  if (!IAM_PRINCIPAL_ARN.test(adminPrincipalArn)) {
    throw new AppOptionsError(`adminPrincipalArn must be an IAM role or user ARN, got "${adminPrincipalArn}".`);
  }

  const streamMode = optionalString(context, 'streamMode') ?? DEFAULTS.stream.mode;
  if (streamMode !== 'on-demand' && streamMode !== 'provisioned') {
    throw new AppOptionsError(`streamMode must be "on-demand" or "provisioned", got "${streamMode}".`);
  }

  const openSearchDomainName = optionalString(context, 'openSearchDomainName') ?? DEFAULTS.speedLayer.domainName;
  if (!DOMAIN_NAME.test(openSearchDomainName)) {
    throw new AppOptionsError(`openSearchDomainName must be 3–28 characters of a-z, 0-9 and "-", starting with a letter; got "${openSearchDomainName}".`);
  }

  const domainName = optionalString(context, 'domainName');
  const certificateArn = optionalString(context, 'certificateArn');
  if ((domainName === undefined) !== (certificateArn === undefined)) {
    throw new AppOptionsError('domainName and certificateArn go together (the certificate must be in us-east-1 for CloudFront).');
  }

  const alarmEmail = emailOf(context, 'alarmEmail');
  const alertEmail = emailOf(context, 'alertEmail');

  const siteDir = resolve(repoRoot, optionalString(context, 'siteDir') ?? 'dist');
  if (!existsSync(join(siteDir, 'index.html'))) {
    throw new AppOptionsError(`No built app at ${siteDir} (index.html missing): run \`npm run build\` first.`);
  }

  return {
    adminPrincipalArn,
    ...(adminIsPlaceholder ? { adminIsPlaceholder: true as const } : {}),
    siteDir,
    stackName: optionalString(context, 'stackName') ?? DEFAULTS.stackName,
    streamMode,
    streamShards: integerIn(context, 'streamShards', DEFAULTS.stream.provisionedShards, 1, 100),
    enhancedFanOut: booleanOf(context, 'enhancedFanOut', DEFAULTS.consumer.enhancedFanOut),
    reserveConcurrency: booleanOf(context, 'reserveConcurrency', false),
    waf: booleanOf(context, 'waf', false),
    speedRetentionDays: integerIn(context, 'speedRetentionDays', DEFAULTS.speedLayer.retentionDays, 1, 365),
    rawRetentionDays: integerIn(context, 'rawRetentionDays', DEFAULTS.batchLayer.rawRetentionDays, 1, 36500),
    openSearchDomainName,
    openSearchEngineVersion: optionalString(context, 'openSearchEngineVersion') ?? DEFAULTS.speedLayer.engineVersion,
    openSearchInstanceType: optionalString(context, 'openSearchInstanceType') ?? DEFAULTS.speedLayer.instanceType,
    ...(alarmEmail !== undefined ? { alarmEmail } : {}),
    ...(alertEmail !== undefined ? { alertEmail } : {}),
    ...(domainName !== undefined && certificateArn !== undefined ? { customDomain: { domainName, certificateArn } } : {}),
  };
}

/** Region of a CLOUDFRONT-scope web ACL: CloudFront takes its ACLs from us-east-1 only. */
export const WAF_REGION = 'us-east-1';

/**
 * Checks the options that depend on where the stack goes, once that is known (app.ts's environment). An
 * environment-agnostic template (no region) is checked at deploy time instead, by a template rule.
 */
export function checkOptionsForRegion(options: AppOptions, region: string | undefined): void {
  if (options.waf && region !== undefined && region !== WAF_REGION) {
    throw new AppOptionsError(
      `waf=true needs the stack in ${WAF_REGION}: CloudFront takes web ACLs from ${WAF_REGION} only, and this stack goes to ${region}. ` +
        `Deploy with AWS_REGION=${WAF_REGION}, or without -c waf=true (docs/deploy-aws.md, "Limits").`,
    );
  }
}

function optionalString(context: ContextReader, key: string): string | undefined {
  const value = context(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new AppOptionsError(`Context ${key} must be a string, got ${JSON.stringify(value)}.`);
  return value;
}

function emailOf(context: ContextReader, key: string): string | undefined {
  const value = optionalString(context, key);
  if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) throw new AppOptionsError(`${key} must be an e-mail address, got "${value}".`);
  return value;
}

function integerIn(context: ContextReader, key: string, fallback: number, min: number, max: number): number {
  const raw = context(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppOptionsError(`Context ${key} must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  }
  return value;
}

function booleanOf(context: ContextReader, key: string, fallback: boolean): boolean {
  const raw = context(key);
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new AppOptionsError(`Context ${key} must be true or false, got ${JSON.stringify(raw)}.`);
}

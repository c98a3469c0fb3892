// Lambda configuration, read once per container at cold start: a missing setting fails the init phase with
// a clear message instead of failing every invocation.
import type { AwsCredentials } from '../../src/core/aws-credentials.ts';

export interface OpenSearchConfig {
  endpoint: string;
  region: string;
}

export function readOpenSearchConfig(env: NodeJS.ProcessEnv): OpenSearchConfig {
  const missing = ['OPENSEARCH_ENDPOINT', 'AWS_REGION'].filter((name) => (env[name] ?? '') === '');
  if (missing.length > 0) throw new Error(`missing environment: ${missing.join(', ')}`);
  const endpoint = env.OPENSEARCH_ENDPOINT as string;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`OPENSEARCH_ENDPOINT is not a URL: ${endpoint}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`OPENSEARCH_ENDPOINT must be http(s): ${endpoint}`);
  return { endpoint: url.origin, region: env.AWS_REGION as string };
}

/** The region Lambda runs in, for functions that need nothing else from the environment. */
export function readRegion(env: NodeJS.ProcessEnv): string {
  const region = env.AWS_REGION ?? '';
  if (region === '') throw new Error('missing environment: AWS_REGION');
  return region;
}

/** RETENTION_DAYS: whole days, at least 1 (the sessions' retention, functions/retention/). */
export function readRetentionDays(env: NodeJS.ProcessEnv): number {
  const raw = env.RETENTION_DAYS ?? '';
  if (raw === '') throw new Error('missing environment: RETENTION_DAYS');
  const days = Number(raw);
  if (!Number.isSafeInteger(days) || days < 1) throw new Error(`RETENTION_DAYS must be a whole number of days, at least 1: ${raw}`);
  return days;
}

/** ALERT_TOPIC_ARN: the SNS topic alert events are published to (functions/alerts/sns-alert-outlet.ts). */
export function readAlertTopicArn(env: NodeJS.ProcessEnv): string {
  const arn = env.ALERT_TOPIC_ARN ?? '';
  if (arn === '') throw new Error('missing environment: ALERT_TOPIC_ARN');
  if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$/.test(arn)) throw new Error(`ALERT_TOPIC_ARN is not an SNS topic ARN: ${arn}`);
  return arn;
}

/**
 * PUSH_HTTP_DOMAIN: the AppSync Events API's HTTP domain the consumer publishes pushed events to (functions/push/);
 * absent or empty: the consumer does not push, and viewers poll.
 */
export function readPushHttpDomain(env: NodeJS.ProcessEnv): string | undefined {
  const domain = env.PUSH_HTTP_DOMAIN ?? '';
  if (domain === '') return undefined;
  if (!/^[a-z0-9.-]+$/i.test(domain)) throw new Error(`PUSH_HTTP_DOMAIN is not a domain name: ${domain}`);
  return domain;
}

/** The function role's credentials, which Lambda puts in the environment of every execution environment. */
export function readRoleCredentials(env: NodeJS.ProcessEnv): AwsCredentials {
  const accessKeyId = env.AWS_ACCESS_KEY_ID ?? '';
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY ?? '';
  if (accessKeyId === '' || secretAccessKey === '') throw new Error('missing environment: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY');
  const sessionToken = env.AWS_SESSION_TOKEN ?? '';
  return { accessKeyId, secretAccessKey, ...(sessionToken === '' ? {} : { sessionToken }) };
}

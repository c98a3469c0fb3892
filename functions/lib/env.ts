// Lambda configuration, read once per container at cold start: a missing setting fails the init phase with
// a clear message instead of failing every invocation.

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

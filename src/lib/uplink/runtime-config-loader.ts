// Reads the runtime config.json (docs/architecture.md, "Two ways to run"): one build learns at run time whether it talks
// to the embedded emulator or to AWS.
import type { RuntimeConfig } from '../runtime-config.ts';
import { SendFailure } from './record-sender.ts';

export async function fetchRuntimeConfig(url: string, fetchFn: typeof fetch = fetch): Promise<RuntimeConfig> {
  let response: Response;
  try {
    // Never a cached copy: config.json says which world the app is in (the service worker goes network-first too).
    response = await fetchFn(url, { cache: 'no-store' });
  } catch (error) {
    throw new SendFailure('network', `could not fetch ${url}`, { cause: error });
  }
  if (!response.ok) throw new SendFailure('config', `${url} answered ${response.status}`);
  let body: unknown;
  try {
    body = await response.json();
  } catch (error) {
    throw new SendFailure('config', `${url} is not JSON`, { cause: error });
  }
  return parseRuntimeConfig(body);
}

/** Checks the fields the uplink needs; a config it cannot use is a 'config' failure the person is told about. */
export function parseRuntimeConfig(value: unknown): RuntimeConfig {
  const fail = (what: string): never => {
    throw new SendFailure('config', `config.json: ${what}`);
  };
  const o = (typeof value === 'object' && value !== null ? value : fail('not an object')) as Record<string, unknown>;
  if (o['mode'] !== 'embedded' && o['mode'] !== 'aws') fail('mode must be "embedded" or "aws"');
  if (!isNonEmptyString(o['region'])) fail('region is missing');
  const kinesis = o['kinesis'] as Record<string, unknown> | undefined;
  if (!isNonEmptyString(kinesis?.['streamName'])) fail('kinesis.streamName is missing');
  if (kinesis?.['endpoint'] !== undefined && !isNonEmptyString(kinesis['endpoint'])) fail('kinesis.endpoint is not a URL');
  if (o['mode'] === 'aws') {
    const cognito = o['cognito'] as Record<string, unknown> | undefined;
    if (!isNonEmptyString(cognito?.['identityPoolId'])) fail('cognito.identityPoolId is missing');
    if (!isNonEmptyString(cognito?.['guestRoleArn'])) fail('cognito.guestRoleArn is missing');
  }
  return value as RuntimeConfig;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

// Reads the runtime config.json (docs/architecture.md, "Two ways to run"): one build learns at run time whether it talks
// to the embedded emulator or to AWS. What counts as a usable file is core's rule (src/core/runtime-config.ts).
import { parseRuntimeConfig, type RuntimeConfig } from '../../core/runtime-config.ts';
import { SendFailure } from './record-sender.ts';

/** Fetches and checks config.json; a config the app cannot use is a 'config' failure the person is told about. */
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
  const parsed = parseRuntimeConfig(body);
  if (!parsed.ok) throw new SendFailure('config', parsed.problem);
  // In a browser response.url is absolute: where config.json came from.
  return withAbsoluteKinesisEndpoint(parsed.config, response.url || url);
}

/**
 * The embedded stack names its stream proxy by path (`/kinesis`), so the page writes to whichever origin it was
 * loaded from (127.0.0.1 or localhost, a forwarded port on a phone); the SDK needs an absolute URL.
 */
function withAbsoluteKinesisEndpoint(config: RuntimeConfig, configUrl: string): RuntimeConfig {
  const endpoint = config.kinesis.endpoint;
  if (endpoint === undefined || !endpoint.startsWith('/')) return config;
  return { ...config, kinesis: { ...config.kinesis, endpoint: new URL(endpoint, configUrl).href } };
}

// The runtime config.json next to index.html tells one build which world it talks to (docs/architecture.md,
// "Two ways to run"). Both infra worlds write it and both pages read it, so its shape and the one rule for
// what a usable config.json is live here, next to each other.

export interface RuntimeConfig {
  /** "embedded": local stack on this machine; "aws": deployed with CDK. */
  mode: 'embedded' | 'aws';
  region: string;
  kinesis: {
    streamName: string;
    /**
     * Set in embedded mode: the stream proxy on the app's own origin, by path (`/kinesis`), resolved against
     * config.json's URL; absent in AWS (the SDK's regional endpoint is used).
     */
    endpoint?: string;
  };
  /** Cognito identity pool for guest credentials; absent in embedded mode. */
  cognito?: {
    identityPoolId: string;
    /** The pool's guest role, assumed through STS AssumeRoleWithWebIdentity (the basic flow; docs/architecture.md). */
    guestRoleArn: string;
    /** Overrides for tests against local stand-ins; absent in AWS. */
    identityEndpoint?: string;
    stsEndpoint?: string;
  };
  /** Base URL of the live API, e.g. "/api". */
  apiUrl: string;
  /**
   * Where viewers receive pushed events (src/core/live-events.ts); absent: viewers long-poll the live API only.
   * - `sse`: the embedded stack's Server-Sent Events stream on the app's origin (`url`, e.g. "/api/events").
   * - `appsync-events`: an AppSync Events API in AWS; viewers subscribe with the public `apiKey`, which allows
   *   subscribing to one session's channel and nothing else.
   */
  push?: PushConfig;
  /**
   * Set only when the embedded stack runs in its opt-in LAN mode (`npm start -- --lan`; docs/configuration.md):
   * - `shareOrigin`: the HTTPS origin on the machine's LAN address (e.g. "https://192.168.1.20:8443"). Share,
   *   overlay and group links are built on it instead of the page's own origin, so a link made on the laptop's
   *   loopback page opens on a phone on the same network.
   * - `setupUrl`: the plain-HTTP page on the LAN address where a device downloads the local CA certificate and
   *   reads how to trust it (e.g. "http://192.168.1.20:8081/"); the app points there when this device does not
   *   trust the certificate yet.
   */
  lan?: LanConfig;
}

export interface LanConfig {
  shareOrigin: string;
  setupUrl: string;
}

export type PushConfig =
  | { kind: 'sse'; url: string }
  | { kind: 'appsync-events'; httpDomain: string; realtimeDomain: string; apiKey: string };

type RuntimeConfigResult = { ok: true; config: RuntimeConfig } | { ok: false; problem: string };

type Fields = Record<string, unknown>;

/**
 * Checks a parsed config.json. Returns a copy holding only the known fields (so nothing unchecked rides
 * along), or the first problem in words a person can act on. Never throws: a bad file is expected input.
 */
export function parseRuntimeConfig(value: unknown): RuntimeConfigResult {
  try {
    return { ok: true, config: readConfig(value) };
  } catch (error) {
    if (error instanceof ConfigProblem) return { ok: false, problem: `config.json: ${error.message}` };
    throw error;
  }
}

class ConfigProblem extends Error {}

function readConfig(value: unknown): RuntimeConfig {
  const o = readObject(value, 'the file');
  const mode = o['mode'];
  if (mode !== 'embedded' && mode !== 'aws') throw new ConfigProblem('mode must be "embedded" or "aws"');
  const config: RuntimeConfig = {
    mode,
    region: readString(o, 'region'),
    kinesis: readKinesis(o['kinesis']),
    apiUrl: readString(o, 'apiUrl'),
  };
  const cognito = o['cognito'] === undefined ? undefined : readCognito(o['cognito']);
  // AWS has no unauthenticated way to write to the stream: guest credentials come from the identity pool.
  if (mode === 'aws' && cognito === undefined) throw new ConfigProblem('cognito is missing (required in "aws" mode)');
  if (cognito) config.cognito = cognito;
  if (o['push'] !== undefined) config.push = readPush(o['push']);
  if (o['lan'] !== undefined) config.lan = readLan(o['lan']);
  return config;
}

function readKinesis(value: unknown): RuntimeConfig['kinesis'] {
  const o = readObject(value, 'kinesis');
  const endpoint = readOptionalString(o, 'endpoint', 'kinesis.');
  return { streamName: readString(o, 'streamName', 'kinesis.'), ...(endpoint === undefined ? {} : { endpoint }) };
}

function readCognito(value: unknown): NonNullable<RuntimeConfig['cognito']> {
  const o = readObject(value, 'cognito');
  const identityEndpoint = readOptionalString(o, 'identityEndpoint', 'cognito.');
  const stsEndpoint = readOptionalString(o, 'stsEndpoint', 'cognito.');
  return {
    identityPoolId: readString(o, 'identityPoolId', 'cognito.'),
    guestRoleArn: readString(o, 'guestRoleArn', 'cognito.'),
    ...(identityEndpoint === undefined ? {} : { identityEndpoint }),
    ...(stsEndpoint === undefined ? {} : { stsEndpoint }),
  };
}

function readPush(value: unknown): PushConfig {
  const o = readObject(value, 'push');
  if (o['kind'] === 'sse') return { kind: 'sse', url: readString(o, 'url', 'push.') };
  if (o['kind'] === 'appsync-events') {
    return {
      kind: 'appsync-events',
      httpDomain: readString(o, 'httpDomain', 'push.'),
      realtimeDomain: readString(o, 'realtimeDomain', 'push.'),
      apiKey: readString(o, 'apiKey', 'push.'),
    };
  }
  throw new ConfigProblem('push.kind must be "sse" or "appsync-events"');
}

function readLan(value: unknown): LanConfig {
  const o = readObject(value, 'lan');
  const shareOrigin = readString(o, 'shareOrigin', 'lan.');
  const setupUrl = readString(o, 'setupUrl', 'lan.');
  // An origin only (scheme, host, port): links are built by appending a path to it.
  if (!/^https:\/\/[^/?#\s]+$/.test(shareOrigin)) throw new ConfigProblem('lan.shareOrigin must be an https origin such as "https://192.168.1.20:8443"');
  if (!/^https?:\/\/[^/?#\s]+\//.test(setupUrl)) throw new ConfigProblem('lan.setupUrl must be an http(s) URL such as "http://192.168.1.20:8081/"');
  return { shareOrigin, setupUrl };
}

function readObject(value: unknown, what: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigProblem(`${what} is not an object`);
  return value as Fields;
}

function readString(o: Fields, key: string, prefix = ''): string {
  const value = o[key];
  if (value === undefined) throw new ConfigProblem(`${prefix}${key} is missing`);
  if (typeof value !== 'string' || value.length === 0) throw new ConfigProblem(`${prefix}${key} must be a non-empty string`);
  return value;
}

function readOptionalString(o: Fields, key: string, prefix: string): string | undefined {
  return o[key] === undefined ? undefined : readString(o, key, prefix);
}

// The headers CloudFront adds to every response, as data. The CSP allows exactly what the built app loads and
// calls: its own origin (app, config.json, /api) and the three AWS endpoints the uplink talks to directly.

export interface CspEndpoints {
  region: string;
  /** amazonaws.com, or amazonaws.com.cn in China partitions. */
  urlSuffix: string;
  /** The push channel's realtime domain (AppSync Events), reached over a WebSocket; absent: no push. */
  pushRealtimeDomain?: string;
}

export function contentSecurityPolicy({ region, urlSuffix, pushRealtimeDomain }: CspEndpoints): string {
  const aws = (service: string): string => `https://${service}.${region}.${urlSuffix}`;
  // The basic Cognito flow (docs/architecture.md): GetId/GetOpenIdToken, then STS AssumeRoleWithWebIdentity, then
  // PutRecords, all from the browser. Then the push channel's WebSocket, to its own realtime domain only.
  const push = pushRealtimeDomain === undefined ? [] : [`wss://${pushRealtimeDomain}`];
  return buildPolicy([aws('kinesis'), aws('cognito-identity'), aws('sts'), ...push], true);
}

/**
 * The same policy for the embedded default, so every local and end-to-end run of the app meets the rules it
 * meets behind CloudFront: plain http on loopback, and `connectSources` instead of AWS's endpoints (the local
 * stack passes none: its stream proxy is on the app's own origin, infra/local/kinesis-proxy.ts).
 */
export function localContentSecurityPolicy(connectSources: readonly string[]): string {
  return buildPolicy(connectSources, false);
}

function buildPolicy(connectSources: readonly string[], upgradeInsecureRequests: boolean): string {
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    // Svelte sets dynamic styles through the CSSOM (element.style), which CSP does not restrict.
    'style-src': ["'self'"],
    'img-src': ["'self'"],
    'font-src': ["'self'"],
    'manifest-src': ["'self'"],
    'worker-src': ["'self'"],
    'connect-src': ["'self'", ...connectSources],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    // The overlay builder previews the overlay in a frame of the app's own page; no other site may frame it.
    'frame-ancestors': ["'self'"],
  };
  if (upgradeInsecureRequests) directives['upgrade-insecure-requests'] = [];
  return Object.entries(directives)
    .map(([name, values]) => [name, ...values].join(' '))
    .join('; ');
}

// Web Bluetooth and the wake lock are the app's own features; nothing else is ever needed.
export const PERMISSIONS_POLICY = 'bluetooth=(self), screen-wake-lock=(self), camera=(), microphone=(), geolocation=(), payment=(), usb=()';

export const HSTS_MAX_AGE_SECONDS = 2 * 365 * 24 * 3600;

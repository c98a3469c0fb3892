// An independent Signature Version 4 check (AWS's published algorithm, written from the spec with node:crypto),
// so the stand-in can tell a correctly signed request from one that only carries the right headers.
import { createHash, createHmac } from 'node:crypto';

export interface SigV4Expectation {
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
}

export interface SigV4Check {
  ok: boolean;
  problem?: string;
  credentialScope?: string;
  signedHeaders?: string[];
}

const AUTH_PATTERN = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function verifySigV4(
  method: string,
  rawUrl: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  expected: SigV4Expectation,
): SigV4Check {
  const authorization = headers.authorization;
  if (typeof authorization !== 'string') return { ok: false, problem: 'no authorization header' };
  const match = AUTH_PATTERN.exec(authorization);
  if (match === null) return { ok: false, problem: `malformed authorization: ${authorization}` };
  const [, accessKeyId, date, region, service, signedHeaderList, signature] = match as unknown as string[];
  const amzDate = headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate)) return { ok: false, problem: 'bad x-amz-date' };
  if (!amzDate.startsWith(date as string)) return { ok: false, problem: 'credential date differs from x-amz-date' };
  if (accessKeyId !== expected.accessKeyId || region !== expected.region || service !== expected.service) {
    return { ok: false, problem: `unexpected credential scope ${accessKeyId}/${region}/${service}` };
  }
  const payloadHash = headers['x-amz-content-sha256'];
  if (payloadHash !== sha256Hex(body)) return { ok: false, problem: 'x-amz-content-sha256 does not match the body' };
  const signedHeaders = (signedHeaderList as string).split(';');
  for (const required of ['host', 'x-amz-date']) {
    if (!signedHeaders.includes(required)) return { ok: false, problem: `${required} is not signed` };
  }

  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const rawQuery = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  // Every service but S3 signs each path segment encoded once more than it is on the wire.
  const canonicalPath = rawPath.split('/').map(encodeRfc3986).join('/');
  const canonicalQuery = [...new URLSearchParams(rawQuery)]
    .map(([k, v]) => [encodeRfc3986(k), encodeRfc3986(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signedHeaders
    .map((name) => {
      const value = headers[name];
      const text = Array.isArray(value) ? value.join(',') : (value ?? '');
      return `${name}:${text.trim().replace(/\s+/g, ' ')}\n`;
    })
    .join('');
  const canonicalRequest = [method, canonicalPath, canonicalQuery, canonicalHeaders, signedHeaderList, payloadHash].join('\n');
  const credentialScope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${expected.secretAccessKey}`, date as string), region), service), 'aws4_request');
  const computed = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  if (computed !== signature) return { ok: false, problem: 'signature mismatch', credentialScope, signedHeaders };
  return { ok: true, credentialScope, signedHeaders };
}

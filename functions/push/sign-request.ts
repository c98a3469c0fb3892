// Signature Version 4 for one HTTP request (AWS's published algorithm, with node:crypto). The AWS SDK signs only the
// calls of its own service clients, and there is no SDK client for AppSync Events' publish endpoint; the SDK's
// stand-alone signer (@smithy/signature-v4) is not a dependency of this project, so the few lines are here.
import { createHash, createHmac } from 'node:crypto';
import type { AwsCredentials } from '../../src/core/aws-credentials.ts';

export interface SigningScope {
  region: string;
  /** "appsync" for AppSync Events. */
  service: string;
}

/** The headers to send with a POST of `body` to `url`: the body's ones, the date, the token and the signature. */
export function signPost(url: URL, body: string, headers: Record<string, string>, credentials: AwsCredentials, scope: SigningScope, now: number): Record<string, string> {
  const amzDate = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(body);
  const signed: Record<string, string> = {
    ...lowerCaseKeys(headers),
    host: url.host,
    'x-amz-date': amzDate,
    'x-amz-content-sha256': payloadHash,
    ...(credentials.sessionToken === undefined ? {} : { 'x-amz-security-token': credentials.sessionToken }),
  };
  const names = Object.keys(signed).sort();
  const canonicalHeaders = names.map((name) => `${name}:${(signed[name] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  // Every service but S3 signs each path segment encoded once more than it is on the wire.
  const canonicalPath = url.pathname.split('/').map(encodeRfc3986).join('/');
  const canonicalRequest = ['POST', canonicalPath, '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const credentialScope = `${date}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), scope.region), scope.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  // fetch sets Host itself from the URL (it may not be set by hand); it is signed above with the same value.
  const { host: _host, ...sent } = signed;
  return { ...sent, authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}` };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

function sha256Hex(data: string): string {
  return createHash('sha256').update(data, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

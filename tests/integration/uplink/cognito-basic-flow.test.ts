// The AWS credential path, in Node against local stand-ins that check the wire contract (the same modules the
// browser runs, with the Node HTTP handler injected). Verified at the contract level only: no real AWS.
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';
import { createCognitoBasicCredentials, identityStorageKey, type CognitoBasicOptions } from '../../../src/lib/uplink/cognito-basic-credentials.ts';
import type { OutboxEntry } from '../../../src/lib/uplink/outbox.ts';
import { SendFailure } from '../../../src/lib/uplink/record-sender.ts';
import { connectStream } from '../../../src/lib/uplink/stream-connection.ts';
import { AwsStandIn } from './aws-stand-in.ts';

const POOL = 'us-east-1:0b7c5a3e-1111-4222-8333-944455556666';
const ROLE = 'arn:aws:iam::123456789012:role/LiveHeartRateGuest';
const HOUR = 3_600_000;
const MARGIN = 5 * 60_000;

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

let clock: number;
let standIn: AwsStandIn;
let storage: MemoryStorage;
const handler = new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 5_000 });

beforeEach(async () => {
  // Real time: the SDK judges expiry by the system clock too.
  clock = Date.now();
  storage = new MemoryStorage();
  standIn = new AwsStandIn({ identityPoolId: POOL, roleArn: ROLE, now: () => clock });
  await standIn.start();
});

afterEach(async () => {
  await standIn.stop();
  // The enhanced flow's credentials cannot write to Kinesis; the basic flow must never fall back to it.
  expect(standIn.count('AWSCognitoIdentityService.GetCredentialsForIdentity')).toBe(0);
  expect(standIn.violations).toEqual([]);
});

function guestCredentials(extra: Partial<CognitoBasicOptions> = {}) {
  return createCognitoBasicCredentials({
    region: 'us-east-1',
    identityPoolId: POOL,
    roleArn: ROLE,
    identityEndpoint: standIn.identityEndpoint,
    stsEndpoint: standIn.stsEndpoint,
    storage,
    requestHandler: handler,
    now: () => clock,
    ...extra,
  });
}

const operations = (): string[] => standIn.requests.map((r) => r.operation.replace('AWSCognitoIdentityService.', ''));

describe('Cognito basic flow', () => {
  it('gets guest credentials through GetId → GetOpenIdToken → AssumeRoleWithWebIdentity', async () => {
    // Prepare
    const credentials = guestCredentials();

    // Act
    const first = await credentials();

    // Assess
    expect(operations()).toEqual(['GetId', 'GetOpenIdToken', 'AssumeRoleWithWebIdentity']);
    const issued = standIn.issued[0]!;
    expect(first).toEqual({
      accessKeyId: issued.accessKeyId,
      secretAccessKey: `secret-${issued.accessKeyId}`,
      sessionToken: issued.sessionToken,
      expiration: new Date(issued.expiration),
    });
    const [getId, getToken, assume] = standIn.requests;
    const identityId = [...standIn.identities][0];
    expect(JSON.parse(getId!.body)).toEqual({ IdentityPoolId: POOL });
    expect(JSON.parse(getToken!.body)).toEqual({ IdentityId: identityId });
    const form = new URLSearchParams(assume!.body);
    expect(form.get('WebIdentityToken')).toBe(standIn.tokens.get(identityId!));
    expect(form.get('RoleSessionName')).toBe(`liveheartrate-${identityId!.split(':')[1]}`);
    expect(storage.getItem(identityStorageKey(POOL))).toBe(identityId);
  });

  it('serves cached credentials until shortly before they expire, then refreshes with the same identity', async () => {
    // Prepare
    const credentials = guestCredentials();
    const first = await credentials();

    // Act
    clock += HOUR - MARGIN - 1;
    const stillCached = await credentials();
    clock += 2;
    const refreshed = await credentials();

    // Assess
    expect(stillCached).toBe(first);
    expect(refreshed.accessKeyId).not.toBe(first.accessKeyId);
    expect(operations()).toEqual(['GetId', 'GetOpenIdToken', 'AssumeRoleWithWebIdentity', 'GetOpenIdToken', 'AssumeRoleWithWebIdentity']);
    const identityIds = standIn.requests.filter((r) => r.operation.endsWith('GetOpenIdToken')).map((r) => (JSON.parse(r.body) as { IdentityId: string }).IdentityId);
    expect(new Set(identityIds).size).toBe(1);
  });

  it('shares one refresh between concurrent callers', async () => {
    // Prepare
    const credentials = guestCredentials();

    // Act
    const all = await Promise.all([credentials(), credentials(), credentials()]);

    // Assess
    expect(standIn.count('AssumeRoleWithWebIdentity')).toBe(1);
    expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
  });

  it('reuses the identity id a previous visit stored, without calling GetId', async () => {
    // Prepare
    await guestCredentials()();
    standIn.requests.length = 0;

    // Act: a new page, same browser storage.
    await guestCredentials()();

    // Assess
    expect(operations()).toEqual(['GetOpenIdToken', 'AssumeRoleWithWebIdentity']);
  });

  it('gets a new identity when the stored one is unknown to the pool', async () => {
    // Prepare
    storage.setItem(identityStorageKey(POOL), 'us-east-1:00000000-dead-4000-8000-000000000000');

    // Act
    await guestCredentials()();

    // Assess
    expect(operations()).toEqual(['GetOpenIdToken', 'GetId', 'GetOpenIdToken', 'AssumeRoleWithWebIdentity']);
    expect(standIn.identities.has(storage.getItem(identityStorageKey(POOL)) ?? '')).toBe(true);
    // The stand-in answered that unknown identity with a 400 on purpose; it is not a contract violation.
  });

  it('refreshes after invalidate() even before expiry', async () => {
    // Prepare
    const credentials = guestCredentials();
    const first = await credentials();

    // Act
    credentials.invalidate();
    const second = await credentials();

    // Assess
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(standIn.count('AWSCognitoIdentityService.GetId')).toBe(1);
  });
});

describe('PutRecords with guest credentials (config mode "aws")', () => {
  const entry = (seq: number): OutboxEntry => ({
    id: seq + 1,
    key: 'AAAAAAAAAAAAAAAAAAAAAA',
    seq,
    t: clock,
    data: `{"v":1,"key":"AAAAAAAAAAAAAAAAAAAAAA","seq":${seq},"t":${clock},"bpm":70}\n`,
    partitionKey: 'view',
    bytes: 80,
  });

  function awsConfig(): RuntimeConfig {
    return {
      mode: 'aws',
      region: 'us-east-1',
      kinesis: { streamName: 'liveheartrate', endpoint: standIn.kinesisEndpoint },
      cognito: { identityPoolId: POOL, guestRoleArn: ROLE, identityEndpoint: standIn.identityEndpoint, stsEndpoint: standIn.stsEndpoint },
      apiUrl: '/api',
    };
  }

  it('signs PutRecords with the assumed role and its session token', async () => {
    // Prepare
    const sender = await connectStream(awsConfig(), { storage, requestHandler: handler });

    // Act
    const outcome = await sender.put([entry(0), entry(1)]);

    // Assess
    expect(outcome.acked.map((e) => e.seq)).toEqual([0, 1]);
    expect(outcome.failed).toEqual([]);
    expect(standIn.count('Kinesis_20131202.PutRecords')).toBe(1);
  });

  it('fetches new credentials after the stream turns the old ones down', async () => {
    // Prepare
    const sender = await connectStream(awsConfig(), { storage, requestHandler: handler });
    await sender.put([entry(0)]);
    standIn.expireNextPuts = 1;

    // Act
    const failure = await sender.put([entry(1)]).catch((e: unknown) => e);
    const retried = await sender.put([entry(1)]);

    // Assess
    expect(failure).toBeInstanceOf(SendFailure);
    expect((failure as SendFailure).reason).toBe('credentials');
    expect(retried.acked.map((e) => e.seq)).toEqual([1]);
    expect(standIn.count('AssumeRoleWithWebIdentity')).toBe(2);
    expect(standIn.count('AWSCognitoIdentityService.GetId')).toBe(1);
  });
});

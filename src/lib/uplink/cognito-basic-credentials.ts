// Guest credentials for PutRecords in AWS through the Cognito identity pool's BASIC (classic) flow:
// GetId → GetOpenIdToken → STS AssumeRoleWithWebIdentity. The enhanced flow (GetCredentialsForIdentity) is
// never used: Cognito intersects its guest credentials with a session policy that allows no kinesis action
// (docs/architecture.md, "Why the basic Cognito flow").
import type { CognitoIdentityClientConfig } from '@aws-sdk/client-cognito-identity';
import type { AwsCredentials } from '../../core/aws-credentials.ts';

export interface CognitoBasicOptions {
  region: string;
  identityPoolId: string;
  /** The guest role the pool's unauthenticated identities may assume (trust: this pool's aud, amr unauthenticated). */
  roleArn: string;
  /** Test stand-ins; absent in AWS. */
  identityEndpoint?: string;
  stsEndpoint?: string;
  /** Where the identity id is kept between visits; GetId has an account-wide rate quota. */
  storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  /** Node tests inject a NodeHttpHandler. */
  requestHandler?: CognitoIdentityClientConfig['requestHandler'];
  now?: () => number;
  /** Fetch new credentials this long before the old ones expire. */
  refreshMarginMs?: number;
}

/** A credentials provider that caches until shortly before expiry; invalidate() forces the next call to refresh. */
export interface RefreshingCredentials {
  (): Promise<AwsCredentials>;
  invalidate(): void;
}

// The SDK's own identity cache refreshes 5 minutes before expiry; refreshing here at the same margin keeps
// the two from disagreeing about whether cached credentials are still good.
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

// An identity the pool no longer knows (deleted, or from another pool after a redeploy).
const STALE_IDENTITY_ERRORS = new Set(['ResourceNotFoundException', 'NotAuthorizedException']);

export function identityStorageKey(identityPoolId: string): string {
  return `liveheartrate.cognitoIdentityId.${identityPoolId}`;
}

/** RoleSessionName allows [\w+=,.@-]{2,64}; the identity id's uuid part names the guest in CloudTrail. */
export function roleSessionNameFor(identityId: string): string {
  const uuid = identityId.slice(identityId.indexOf(':') + 1).replace(/[^\w+=,.@-]/g, '');
  return `liveheartrate-${uuid}`.slice(0, 64);
}

export function createCognitoBasicCredentials(options: CognitoBasicOptions): RefreshingCredentials {
  const now = options.now ?? Date.now;
  const margin = options.refreshMarginMs ?? REFRESH_MARGIN_MS;
  const storageKey = identityStorageKey(options.identityPoolId);
  let cached: AwsCredentials | null = null;
  let refreshing: Promise<AwsCredentials> | null = null;
  let clients: Promise<Clients> | null = null;

  const getClients = (): Promise<Clients> => {
    clients ??= createClients(options).catch((error: unknown) => {
      clients = null;
      throw error;
    });
    return clients;
  };

  async function refresh(): Promise<AwsCredentials> {
    const c = await getClients();
    const stored = readStorage(options.storage, storageKey);
    let identityId = stored ?? (await getId(c));
    let token: string;
    try {
      token = await getOpenIdToken(c, identityId);
    } catch (error) {
      if (stored === null || !STALE_IDENTITY_ERRORS.has((error as { name?: string }).name ?? '')) throw error;
      options.storage?.removeItem(storageKey);
      identityId = await getId(c);
      token = await getOpenIdToken(c, identityId);
    }

    const { Credentials } = await c.sts.send(
      new c.stsSdk.AssumeRoleWithWebIdentityCommand({
        RoleArn: options.roleArn,
        RoleSessionName: roleSessionNameFor(identityId),
        WebIdentityToken: token,
      }),
    );
    if (!Credentials?.AccessKeyId || !Credentials.SecretAccessKey || !Credentials.SessionToken || !Credentials.Expiration) {
      throw new Error('AssumeRoleWithWebIdentity returned no credentials');
    }
    return {
      accessKeyId: Credentials.AccessKeyId,
      secretAccessKey: Credentials.SecretAccessKey,
      sessionToken: Credentials.SessionToken,
      expiration: Credentials.Expiration,
    };
  }

  async function getId(c: Clients): Promise<string> {
    const { IdentityId } = await c.identity.send(new c.identitySdk.GetIdCommand({ IdentityPoolId: options.identityPoolId }));
    if (!IdentityId) throw new Error('GetId returned no identity id');
    writeStorage(options.storage, storageKey, IdentityId);
    return IdentityId;
  }

  async function getOpenIdToken(c: Clients, identityId: string): Promise<string> {
    const { Token } = await c.identity.send(new c.identitySdk.GetOpenIdTokenCommand({ IdentityId: identityId }));
    if (!Token) throw new Error('GetOpenIdToken returned no token');
    return Token;
  }

  const provider = (async () => {
    if (cached?.expiration && cached.expiration.getTime() - margin > now()) return cached;
    // Concurrent callers share one refresh.
    refreshing ??= refresh()
      .then((credentials) => (cached = credentials))
      .finally(() => (refreshing = null));
    return refreshing;
  }) as RefreshingCredentials;
  provider.invalidate = () => {
    cached = null;
  };
  return provider;
}

interface Clients {
  identitySdk: typeof import('@aws-sdk/client-cognito-identity');
  stsSdk: typeof import('@aws-sdk/client-sts');
  identity: import('@aws-sdk/client-cognito-identity').CognitoIdentityClient;
  sts: import('@aws-sdk/client-sts').STSClient;
}

const CREDENTIAL_REQUEST_TIMEOUT_MS = 15_000;

async function createClients(options: CognitoBasicOptions): Promise<Clients> {
  const [identitySdk, stsSdk] = await Promise.all([import('@aws-sdk/client-cognito-identity'), import('@aws-sdk/client-sts')]);
  // A Cognito or STS call that never answers would hold the flusher (and its lock) forever: bound it like
  // PutRecords is bounded.
  const requestHandler = options.requestHandler ?? { requestTimeout: CREDENTIAL_REQUEST_TIMEOUT_MS };
  return {
    identitySdk,
    stsSdk,
    // These calls are unsigned (smithy noAuth): no credentials are configured for them.
    identity: new identitySdk.CognitoIdentityClient({ region: options.region, endpoint: options.identityEndpoint, requestHandler }),
    sts: new stsSdk.STSClient({ region: options.region, endpoint: options.stsEndpoint, requestHandler }),
  };
}

function readStorage(storage: CognitoBasicOptions['storage'], key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}

function writeStorage(storage: CognitoBasicOptions['storage'], key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // Private mode or a full quota: the id is fetched again next visit, which costs one GetId call.
  }
}

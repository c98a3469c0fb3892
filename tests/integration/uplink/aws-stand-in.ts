// Local stand-ins for the Cognito Identity, STS and Kinesis endpoints the basic flow talks to. They check the
// requests they receive against the wire contract (targets, bodies, signing) and answer in the real wire
// formats (awsJson1_1 for Cognito and Kinesis, awsQuery XML for STS). A request that breaks the contract is
// answered with a 400 and recorded in `violations`, so the test fails on it.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInRequest {
  service: 'cognito' | 'sts' | 'kinesis';
  /** X-Amz-Target for JSON services, Action for STS. */
  operation: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface StandInOptions {
  identityPoolId: string;
  roleArn: string;
  /** The stand-in's clock, for credential expiry. */
  now: () => number;
  credentialLifetimeMs?: number;
}

const JSON_TYPE = 'application/x-amz-json-1.1';

export class AwsStandIn {
  readonly requests: StandInRequest[] = [];
  readonly violations: string[] = [];
  /** Identities issued by GetId; GetOpenIdToken knows only these. */
  readonly identities = new Set<string>();
  /** The token issued last, by identity. */
  readonly tokens = new Map<string, string>();
  /** Credentials issued by AssumeRoleWithWebIdentity, in order. */
  readonly issued: Array<{ accessKeyId: string; sessionToken: string; expiration: number }> = [];
  /** Kinesis answers the next N PutRecords with ExpiredTokenException. */
  expireNextPuts = 0;
  identityEndpoint = '';
  stsEndpoint = '';
  kinesisEndpoint = '';
  private readonly servers: Server[] = [];

  constructor(private readonly options: StandInOptions) {}

  async start(): Promise<void> {
    this.identityEndpoint = await this.listen((req, body, res) => this.cognito(req, body, res));
    this.stsEndpoint = await this.listen((req, body, res) => this.sts(req, body, res));
    this.kinesisEndpoint = await this.listen((req, body, res) => this.kinesis(req, body, res));
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  }

  count(operation: string): number {
    return this.requests.filter((r) => r.operation === operation).length;
  }

  private cognito(req: IncomingMessage, body: string, res: ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    this.requests.push({ service: 'cognito', operation: target, headers: req.headers, body });
    if (req.headers['content-type'] !== JSON_TYPE) return this.reject(res, `cognito: content-type ${req.headers['content-type']}`);
    // Guest calls of an identity pool are unsigned.
    if (req.headers.authorization !== undefined) return this.reject(res, `cognito ${target}: signed request`);
    const input = JSON.parse(body) as Record<string, unknown>;

    if (target === 'AWSCognitoIdentityService.GetId') {
      if (input['IdentityPoolId'] !== this.options.identityPoolId) return this.reject(res, `GetId: pool ${String(input['IdentityPoolId'])}`);
      if (input['Logins'] !== undefined) return this.reject(res, 'GetId: Logins sent for a guest');
      const identityId = `us-east-1:${randomUUID()}`;
      this.identities.add(identityId);
      return sendJson(res, 200, { IdentityId: identityId });
    }
    if (target === 'AWSCognitoIdentityService.GetOpenIdToken') {
      const identityId = String(input['IdentityId']);
      if (!this.identities.has(identityId)) {
        return sendJson(res, 400, { __type: 'ResourceNotFoundException', message: `Identity '${identityId}' not found.` });
      }
      const token = `eyJ.${randomUUID()}.sig`;
      this.tokens.set(identityId, token);
      return sendJson(res, 200, { IdentityId: identityId, Token: token });
    }
    // GetCredentialsForIdentity (the enhanced flow) and anything else: recorded, refused.
    return this.reject(res, `cognito: unexpected ${target}`);
  }

  private sts(req: IncomingMessage, body: string, res: ServerResponse): void {
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    this.requests.push({ service: 'sts', operation: action, headers: req.headers, body });
    if (req.method !== 'POST' || !String(req.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return this.reject(res, `sts: ${req.method} ${req.headers['content-type']}`);
    }
    if (req.headers.authorization !== undefined) return this.reject(res, 'sts: AssumeRoleWithWebIdentity must be unsigned');
    if (action !== 'AssumeRoleWithWebIdentity' || form.get('Version') !== '2011-06-15') return this.reject(res, `sts: ${action} ${form.get('Version')}`);
    if (form.get('RoleArn') !== this.options.roleArn) return this.reject(res, `sts: RoleArn ${form.get('RoleArn')}`);
    const sessionName = form.get('RoleSessionName') ?? '';
    if (!/^[\w+=,.@-]{2,64}$/.test(sessionName)) return this.reject(res, `sts: RoleSessionName ${sessionName}`);
    const token = form.get('WebIdentityToken');
    const issuedTo = [...this.tokens.entries()].find(([, t]) => t === token)?.[0];
    if (issuedTo === undefined) return this.reject(res, 'sts: WebIdentityToken was not issued by GetOpenIdToken');

    const expiration = this.options.now() + (this.options.credentialLifetimeMs ?? 3_600_000);
    const credentials = { accessKeyId: `ASIA${randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase()}`, sessionToken: `IQoJb3JpZ2luX2Vj${randomUUID()}`, expiration };
    this.issued.push(credentials);
    const xml = `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${issuedTo}</SubjectFromWebIdentityToken>
    <Audience>${this.options.identityPoolId}</Audience>
    <AssumedRoleUser>
      <Arn>${this.options.roleArn.replace(':iam::', ':sts::').replace(':role/', ':assumed-role/')}/${sessionName}</Arn>
      <AssumedRoleId>AROAEXAMPLEGUEST:${sessionName}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${credentials.sessionToken}</SessionToken>
      <SecretAccessKey>secret-${credentials.accessKeyId}</SecretAccessKey>
      <Expiration>${new Date(expiration).toISOString()}</Expiration>
      <AccessKeyId>${credentials.accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>cognito-identity.amazonaws.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
    res.writeHead(200, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(xml), 'x-amzn-RequestId': randomUUID() });
    res.end(xml);
  }

  private kinesis(req: IncomingMessage, body: string, res: ServerResponse): void {
    const target = String(req.headers['x-amz-target'] ?? '');
    this.requests.push({ service: 'kinesis', operation: target, headers: req.headers, body });
    if (target !== 'Kinesis_20131202.PutRecords') return this.reject(res, `kinesis: unexpected ${target}`);
    const latest = this.issued.at(-1);
    const authorization = String(req.headers.authorization ?? '');
    if (!latest || !authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${latest.accessKeyId}/`)) {
      return this.reject(res, `kinesis: not signed with the latest STS credentials: ${authorization.slice(0, 60)}`);
    }
    if (req.headers['x-amz-security-token'] !== latest.sessionToken) return this.reject(res, 'kinesis: session token missing or stale');
    if (this.expireNextPuts > 0) {
      this.expireNextPuts -= 1;
      return sendJson(res, 400, { __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' });
    }
    const input = JSON.parse(body) as { Records: unknown[] };
    return sendJson(res, 200, {
      FailedRecordCount: 0,
      Records: input.Records.map((_, i) => ({ SequenceNumber: String(49_000_000 + i), ShardId: 'shardId-000000000000' })),
    });
  }

  private reject(res: ServerResponse, violation: string): void {
    this.violations.push(violation);
    sendJson(res, 400, { __type: 'ValidationException', message: violation });
  }

  private async listen(handle: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    this.servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  const headers: Record<string, string | number> = { 'Content-Type': JSON_TYPE, 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': randomUUID() };
  const type = (value as { __type?: string }).__type;
  if (status >= 400 && type) headers['x-amzn-ErrorType'] = type;
  res.writeHead(status, headers);
  res.end(body);
}

// The setup Lambda as CloudFormation's Provider calls it (onEvent, then isComplete with onEvent's answer merged
// in, as the framework does), against a local HTTP stand-in for the domain: real SigV4 signing (the live
// store's client), real request bodies, the Provider responses.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { retentionPolicy, type OpenSearchSetupConfig } from '../../../functions/opensearch-setup/setup-config.ts';

type SetupModule = typeof import('../../../functions/opensearch-setup/handler.ts');

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const seen: Seen[] = [];
/** How many more requests the stand-in refuses with 403, as a domain does while its access policy spreads. */
let forbiddenAnswers = 0;
let server: Server;
let endpoint: string;
let handler: SetupModule['handler'];

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDSTANDIN');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.stubEnv('AWS_SESSION_TOKEN', 'token');
  vi.stubEnv('SETUP_DEADLINE_MS', String(25 * 60_000));
  vi.stubEnv('SETUP_DASHBOARDS_WAIT_MS', String(15 * 60_000));
  vi.stubEnv('SETUP_REQUEST_TIMEOUT_MS', '5000');
  // Imported once the environment is set, as Lambda loads it: the region is read at cold start.
  ({ handler } = await import('../../../functions/opensearch-setup/handler.ts'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      if (forbiddenAnswers > 0) {
        forbiddenAnswers--;
        res.statusCode = 403;
        res.end('{"Message":"User: anonymous is not authorized to perform: es:ESHttpPut"}');
      } else if (req.method === 'GET') {
        res.statusCode = 404;
        res.end('{"error":{"type":"resource_not_found_exception"}}');
      } else if (req.url?.startsWith('/_dashboards/')) {
        res.end('{"success":true,"successCount":3}');
      } else {
        res.end('{"acknowledged":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const CONFIG: OpenSearchSetupConfig = {
  indexTemplates: { 'hr-readings': { index_patterns: ['hr-readings-*'], priority: 100 } },
  ismPolicies: { 'liveheartrate-readings-retention': retentionPolicy('hr-readings-*', 7) },
  dashboardsNdjson: '{"type":"index-pattern","id":"liveheartrate-readings","attributes":{"title":"hr-readings-*"}}\n',
};

function event(requestType: 'Create' | 'Update' | 'Delete'): CloudFormationCustomResourceEvent {
  const common = {
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:provider',
    ResponseURL: 'https://example.invalid/response',
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/LiveHeartRate/1',
    RequestId: 'r1',
    LogicalResourceId: 'OpenSearchSetup',
    ResourceType: 'Custom::LiveHeartRateOpenSearchSetup',
    // Numbers and nesting survive because the config travels as one JSON string.
    ResourceProperties: { ServiceToken: 'x', Endpoint: endpoint, Config: JSON.stringify(CONFIG) },
  };
  if (requestType === 'Create') return { ...common, RequestType: 'Create' };
  if (requestType === 'Update') return { ...common, RequestType: 'Update', PhysicalResourceId: 'p', OldResourceProperties: { ServiceToken: 'x' } };
  return { ...common, RequestType: 'Delete', PhysicalResourceId: 'liveheartrate-opensearch-setup' };
}

/** onEvent, then one isComplete call with onEvent's answer merged in (the framework's isComplete request). */
async function deploy(requestType: 'Create' | 'Update') {
  const request = event(requestType);
  const onEvent = await handler(request);
  const isComplete = await handler({ ...request, ...onEvent });
  return { onEvent, isComplete };
}

describe('setup handler', () => {
  it('answers onEvent at once, then signs every request with SigV4 for service es and applies the config on isComplete', async () => {
    // Prepare
    seen.length = 0;
    const before = Date.now();

    // Act
    const request = event('Create');
    const onEvent = await handler(request);
    const requestsDuringOnEvent = seen.length;
    const response = await handler({ ...request, ...onEvent });

    // Assess
    expect(onEvent).toEqual({ PhysicalResourceId: 'liveheartrate-opensearch-setup', SetupStartedAt: expect.any(Number) });
    expect((onEvent as { SetupStartedAt: number }).SetupStartedAt).toBeGreaterThanOrEqual(before);
    expect(requestsDuringOnEvent).toBe(0);
    expect(response).toEqual({ IsComplete: true, Data: { Dashboards: 'imported 3 saved objects' } });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'PUT /_index_template/hr-readings',
      'GET /_plugins/_ism/policies/liveheartrate-readings-retention',
      'PUT /_plugins/_ism/policies/liveheartrate-readings-retention',
      'POST /_plugins/_ism/add/hr-readings-*',
      'POST /_plugins/_ism/change_policy/hr-readings-*',
      'POST /_dashboards/api/saved_objects/_import?overwrite=true',
    ]);
    for (const request of seen) {
      expect(request.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDSTANDIN\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/);
      expect(request.headers['x-amz-security-token']).toBe('token');
    }
    expect(JSON.parse(seen[0]?.body ?? '')).toEqual({ index_patterns: ['hr-readings-*'], priority: 100 });
    const upload = seen.at(-1);
    expect(upload?.headers['osd-xsrf']).toBe('true');
    expect(upload?.headers['content-type']).toMatch(/^multipart\/form-data; boundary=liveheartrate-/);
    expect(upload?.body).toContain(CONFIG.dashboardsNdjson);
    // The signature covers the exact body sent.
    expect(upload?.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('applies everything again on update', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const { isComplete } = await deploy('Update');

    // Assess
    expect(isComplete).toMatchObject({ IsComplete: true });
    expect(seen).toHaveLength(6);
  });

  it('is not complete while the domain answers 403, and completes once it answers', async () => {
    // Prepare
    seen.length = 0;
    forbiddenAnswers = 1;
    const request = event('Create');
    const merged = { ...request, ...(await handler(request)) } as Parameters<SetupModule['handler']>[0];

    // Act
    const first = await handler(merged);
    const second = await handler(merged);

    // Assess
    expect(first).toEqual({ IsComplete: false });
    expect(second).toEqual({ IsComplete: true, Data: { Dashboards: 'imported 3 saved objects' } });
    expect(seen).toHaveLength(1 + 6);
  });

  it('leaves the domain alone on delete', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const response = await handler(event('Delete'));

    // Assess
    expect(response).toEqual({ PhysicalResourceId: 'liveheartrate-opensearch-setup', IsComplete: true });
    expect(seen).toEqual([]);
  });
});

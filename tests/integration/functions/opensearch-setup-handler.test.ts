// The setup Lambda as CloudFormation's Provider calls it, against a local HTTP stand-in for the domain: real
// SigV4 signing (the live store's client), real request bodies, the Provider response.
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
let server: Server;
let endpoint: string;
let handler: SetupModule['handler'];

beforeAll(async () => {
  vi.stubEnv('AWS_REGION', 'eu-west-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDSTANDIN');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
  vi.stubEnv('AWS_SESSION_TOKEN', 'token');
  // Imported once the environment is set, as Lambda loads it: the region is read at cold start.
  ({ handler } = await import('../../../functions/opensearch-setup/handler.ts'));
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.setHeader('content-type', 'application/json');
      if (req.method === 'GET') {
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

describe('setup handler', () => {
  it('signs every request with SigV4 for service es and applies the config', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const response = await handler(event('Create'));

    // Assess
    expect(response).toEqual({ PhysicalResourceId: 'liveheartrate-opensearch-setup', Data: { Dashboards: 'imported 3 saved objects' } });
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
    await handler(event('Update'));

    // Assess
    expect(seen).toHaveLength(6);
  });

  it('leaves the domain alone on delete', async () => {
    // Prepare
    seen.length = 0;

    // Act
    const response = await handler(event('Delete'));

    // Assess
    expect(response).toEqual({ PhysicalResourceId: 'liveheartrate-opensearch-setup' });
    expect(seen).toEqual([]);
  });
});

// The Lambda entry modules as Lambda loads them: configuration from the environment at import (cold start),
// credentials from the SDK's default chain, requests to a signing-checking OpenSearch stand-in.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOW, kinesisEvent, reading, sessionKeys } from '../../unit/functions/support/kinesis-events.ts';
import { startOpenSearchStandIn, type OpenSearchStandIn } from './support/opensearch-stand-in.ts';

const ENV_NAMES = ['OPENSEARCH_ENDPOINT', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'RETENTION_DAYS', 'ALERT_TOPIC_ARN'] as const;
const TOPIC_ARN = 'arn:aws:sns:eu-west-1:123456789012:liveheartrate-alerts';
const CREDENTIALS = { accessKeyId: 'AKIDLAMBDAROLE000000', secretAccessKey: 'lambda/role/secret/for/tests/only/00000' };
const { key, viewId } = sessionKeys(31);

type ConsumerModule = { handler: (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse> };
type RetentionModule = { handler: () => Promise<{ deleted: number }> };
type LiveApiModule = { handler: (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2> };

function functionUrlEvent(rawPath: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString: '',
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'url',
      domainName: 'example.lambda-url.eu-west-1.on.aws',
      domainPrefix: 'example',
      http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.1', userAgent: 'test' },
      requestId: 'r',
      routeKey: '$default',
      stage: '$default',
      time: '',
      timeEpoch: 0,
    },
  };
}

describe('Lambda entry modules', () => {
  const saved: Partial<Record<(typeof ENV_NAMES)[number], string>> = {};
  let standIn: OpenSearchStandIn | undefined;

  beforeEach(() => {
    for (const name of ENV_NAMES) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
    vi.resetModules();
  });

  afterEach(async () => {
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await standIn?.stop();
    standIn = undefined;
  });

  it.each(['../../../functions/consumer/handler.ts', '../../../functions/live-api/handler.ts'])('%s fails at cold start without its configuration', async (path) => {
    process.env.AWS_REGION = 'eu-west-1';

    await expect(import(path)).rejects.toThrow('missing environment: OPENSEARCH_ENDPOINT');
  });

  it('fails the OpenSearch setup function at cold start without its region', async () => {
    await expect(import('../../../functions/opensearch-setup/handler.ts')).rejects.toThrow('missing environment: AWS_REGION');
  });

  it.each(['../../../functions/consumer/handler.ts', '../../../functions/alert-clock/handler.ts'])('%s fails at cold start without its alert topic', async (path) => {
    process.env.AWS_REGION = 'eu-west-1';
    process.env.OPENSEARCH_ENDPOINT = 'https://search-domain.eu-west-1.es.amazonaws.com';

    await expect(import(path)).rejects.toThrow('missing environment: ALERT_TOPIC_ARN');
    vi.resetModules();
    process.env.ALERT_TOPIC_ARN = 'liveheartrate-alerts';
    await expect(import(path)).rejects.toThrow(/not an SNS topic ARN/);
  });

  it('rejects an endpoint that is not a URL at cold start', async () => {
    process.env.AWS_REGION = 'eu-west-1';
    process.env.OPENSEARCH_ENDPOINT = 'search-domain.eu-west-1.es.amazonaws.com';

    await expect(import('../../../functions/consumer/handler.ts')).rejects.toThrow(/not a URL/);
  });

  it('consumes with the role credentials from the environment, answers only batchItemFailures, and the live API serves the result', async () => {
    // Prepare
    standIn = await startOpenSearchStandIn({ ...CREDENTIALS, region: 'eu-west-1', service: 'es' });
    Object.assign(process.env, {
      OPENSEARCH_ENDPOINT: standIn.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      ALERT_TOPIC_ARN: TOPIC_ARN,
    });
    const consumer: ConsumerModule = await import('../../../functions/consumer/handler.ts');
    const liveApi: LiveApiModule = await import('../../../functions/live-api/handler.ts');
    const event = kinesisEvent([reading(key, 0, { t: NOW }), reading(key, 1, { t: NOW }), { data: 'garbage' }]);
    // Lambda's JSON log format wraps console output; the metrics line must reach stdout as it is.
    const written: string[] = [];
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => written.push(String(chunk)) > 0);

    // Act
    const response = await consumer.handler(event).finally(() => stdout.mockRestore());
    const session = await liveApi.handler(functionUrlEvent(`/api/sessions/${viewId}`));

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(standIn.requests.length).toBeGreaterThan(0);
    expect(standIn.requests.every((r) => r.signature.ok)).toBe(true);
    expect(session.statusCode).toBe(200);
    expect(JSON.parse(session.body ?? '{}')).toMatchObject({ viewId, count: 2 });
    expect(session.body).not.toContain(key);
    expect(written).toHaveLength(1);
    expect(JSON.parse(written[0] as string)).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'liveheartrate' }] }, DroppedRecords: 1, RateLimitedRecords: 0 });
  });

  it('fails the retention function at cold start without its retention, and deletes signed with the role credentials', async () => {
    // Prepare
    standIn = await startOpenSearchStandIn({ ...CREDENTIALS, region: 'eu-west-1', service: 'es' });
    Object.assign(process.env, {
      OPENSEARCH_ENDPOINT: standIn.url,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    });
    await expect(import('../../../functions/retention/handler.ts')).rejects.toThrow('missing environment: RETENTION_DAYS');
    vi.resetModules();
    process.env.RETENTION_DAYS = '7';
    const retention: RetentionModule = await import('../../../functions/retention/handler.ts');

    // Act
    const response = await retention.handler();

    // Assess: no sessions index yet, so nothing to delete, and the one request was signed.
    expect(response).toEqual({ deleted: 0 });
    expect(standIn.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /hr-sessions/_delete_by_query']);
    expect(standIn.requests.every((r) => r.signature.ok)).toBe(true);
  });
});

// Lambda entry for the live API's function URL (behind CloudFront). Built once at cold start.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readOpenSearchConfig } from '../lib/env.ts';
import { createJsonLogger } from '../lib/logger.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { createOpenSearchStore } from '../store/opensearch-store.ts';
import { createLiveApi } from './live-api.ts';

const config = readOpenSearchConfig(process.env);
const api = createLiveApi({
  store: createOpenSearchStore(createSignedOpenSearchClient({ ...config, requestTimeoutMs: 5_000 })),
  now: Date.now,
  log: createJsonLogger(),
});

export function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  return api(event);
}

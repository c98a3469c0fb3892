// Plain HTTP requests to the domain through an OpenSearch client, so the deploy-time setup signs (SigV4,
// service "es") with the very client the live store uses (functions/store/opensearch-client.ts), and a test
// can apply the same setup through the client it already has.
import { errors, type Client } from '@opensearch-project/opensearch';
import type { DomainHttp } from './apply-setup.ts';

/** The client should not retry (createSignedOpenSearchClient sets maxRetries 0): callers retry whole idempotent steps. */
export function createDomainHttp(client: Client): DomainHttp {
  return async (request) => {
    try {
      const response = await client.transport.request(
        { method: request.method, path: request.path, ...(request.body !== undefined ? { body: request.body } : {}), querystring: request.query ?? {} },
        { headers: request.headers ?? {} },
      );
      return { status: response.statusCode ?? 0, body: stringify(response.body) };
    } catch (error) {
      // An HTTP error status is an answer, not a failure: the caller decides what it means.
      if (error instanceof errors.ResponseError) return { status: error.statusCode ?? 0, body: stringify(error.body) };
      throw error;
    }
  };
}

function stringify(body: unknown): string {
  if (body === undefined || body === null) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

// SigV4-signed requests to the domain with the function's own role, through the same signed client the live
// store uses (functions/store/opensearch-client.ts), so deploy-time setup and runtime sign alike.
import { errors } from '@opensearch-project/opensearch';
import { createSignedOpenSearchClient } from '../../../functions/store/opensearch-client.ts';
import type { DomainHttp } from './apply-setup.ts';

export interface SignedHttpOptions {
  endpointUrl: string;
  region: string;
  /** Per request; a fresh domain can be slow to answer its first requests. */
  requestTimeoutMs: number;
}

export function createSignedHttp(options: SignedHttpOptions): DomainHttp {
  // The client does not retry (maxRetries 0): the caller retries whole steps it knows to be idempotent.
  const client = createSignedOpenSearchClient({ endpoint: options.endpointUrl, region: options.region, requestTimeoutMs: options.requestTimeoutMs });
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

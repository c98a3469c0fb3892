import { setTimeout } from 'node:timers/promises';
import type { DomainHttp } from './apply-setup.ts';

/**
 * Retries throttling, server errors and network failures with capped exponential backoff. Hand-written: the
 * OpenSearch client's own retries (off on purpose, see opensearch-client.ts) retry neither 403 nor for a
 * deadline, and a new domain needs both.
 */
export function retrying(http: DomainHttp, forMs: number, sleep: (ms: number) => Promise<unknown> = setTimeout): DomainHttp {
  return async (request) => {
    const deadline = Date.now() + forMs;
    for (let attempt = 0; ; attempt++) {
      const delayMs = Math.min(30_000, 2_000 * 2 ** attempt);
      try {
        const response = await http(request);
        // 403 too: a new access policy takes a moment to apply everywhere.
        const transient = response.status === 403 || response.status === 429 || response.status >= 500;
        if (!transient || Date.now() + delayMs > deadline) return response;
        console.warn(`${request.method} ${request.path}: ${response.status}, retrying in ${delayMs} ms`);
      } catch (error) {
        if (Date.now() + delayMs > deadline) throw error;
        console.warn(`${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}, retrying in ${delayMs} ms`);
      }
      await sleep(delayMs);
    }
  };
}

// The viewer's side of the live API (functions/live-api): typed answers, and errors a person can read.
import { SESSION_STATUSES, type ReadingsBody, type SessionBody } from '../../core/live-api-types.ts';

/** The network or the API failed; the viewer retries. */
export class LiveApiError extends Error {
  constructor(
    message: string,
    readonly httpStatus: number | null,
  ) {
    super(message);
    this.name = 'LiveApiError';
  }
}

const STATUSES: readonly string[] = SESSION_STATUSES;

export interface LiveApiClient {
  getSession(viewId: string): Promise<SessionBody>;
  getReadings(viewId: string, after: string, opts: { limit: number; waitMs: number; signal?: AbortSignal }): Promise<ReadingsBody>;
}

export function createLiveApiClient(apiUrl: string, fetchFn: typeof fetch = fetch.bind(globalThis)): LiveApiClient {
  const base = apiUrl.replace(/\/$/, '');

  async function getJson(path: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    let response: Response;
    try {
      // no-store: a long-poll for the same cursor must reach the server, not a cached empty answer.
      response = await fetchFn(`${base}${path}`, { cache: 'no-store', signal: signal ?? null });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') throw error;
      throw new LiveApiError('The network is unreachable.', null);
    }
    if (!response.ok) throw new LiveApiError(`The live API answered ${response.status}.`, response.status);
    const body: unknown = await response.json().catch(() => null);
    if (typeof body !== 'object' || body === null || !STATUSES.includes(String((body as { status?: unknown }).status))) {
      throw new LiveApiError('The live API sent an answer this page does not understand.', response.status);
    }
    return body as Record<string, unknown>;
  }

  return {
    async getSession(viewId) {
      return (await getJson(`/sessions/${encodeURIComponent(viewId)}`)) as unknown as SessionBody;
    },
    async getReadings(viewId, after, { limit, waitMs, signal }) {
      const query = new URLSearchParams({ after, limit: String(limit), wait: String(waitMs) });
      const body = await getJson(`/sessions/${encodeURIComponent(viewId)}/readings?${query}`, signal);
      if (!Array.isArray(body['readings']) || typeof body['next'] !== 'string') {
        throw new LiveApiError('The live API sent readings this page does not understand.', 200);
      }
      return body as unknown as ReadingsBody;
    },
  };
}

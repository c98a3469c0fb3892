// Publishes pushed events to AppSync Events over its HTTP API (docs/deploy-aws.md "Push channel"): POST
// https://<httpDomain>/event with {channel, events: [JSON strings]}, at most 5 events a request, signed with SigV4
// (service "appsync") by the consumer's role. Push is a latency path and the store is the truth: a failed request
// is logged and counted, never retried and never fails the batch, and a viewer that missed an event sees a `from`
// that is not its cursor and catches up through the live API.
import type { AwsCredentials } from '../../src/core/aws-credentials.ts';
import type { LiveEvent } from '../../src/core/live-events.ts';
import { pushChannelOf } from '../../src/core/push-channel-name.ts';
import { describeError, type Logger } from '../lib/logger.ts';
import { signPost } from './sign-request.ts';

/** The most events AppSync Events takes in one publish request. */
export const MAX_EVENTS_PER_REQUEST = 5;
// Requests in flight at once: a batch of 100 sessions publishes in a few round trips without opening 100 sockets.
const CONCURRENCY = 16;
// Publishing holds the shard's next batch: past this the event is given up (the viewer catches up by polling).
const DEFAULT_TIMEOUT_MS = 2_000;

export interface AppSyncPublisherDeps {
  /** The Event API's HTTP domain (`<id>.appsync-api.<region>.amazonaws.com`), or a stand-in's URL with its scheme. */
  httpDomain: string;
  region: string;
  credentials: () => Promise<AwsCredentials>;
  fetch: typeof fetch;
  now: () => number;
  log: Logger;
  timeoutMs?: number;
}

export interface PublishCounts {
  events: number;
  requests: number;
  /** Events AppSync did not accept: in a failed request, or listed as failed in its answer. */
  failedEvents: number;
  failedRequests: number;
}

export interface LivePublisher {
  publish(events: readonly LiveEvent[]): Promise<PublishCounts>;
}

export function createAppSyncPublisher(deps: AppSyncPublisherDeps): LivePublisher {
  const url = new URL('/event', deps.httpDomain.includes('://') ? deps.httpDomain : `https://${deps.httpDomain}`);
  return {
    async publish(events) {
      const channels = requestsByChannel(events);
      const counts: PublishCounts = { events: events.length, requests: 0, failedEvents: 0, failedRequests: 0 };
      if (channels.length === 0) return counts;
      const errors = new Set<string>();
      try {
        const credentials = await deps.credentials();
        for (let start = 0; start < channels.length; start += CONCURRENCY) {
          await Promise.all(
            channels.slice(start, start + CONCURRENCY).map(async (requests) => {
              // One channel's requests one after another, so its events arrive in order.
              for (const request of requests) {
                counts.requests++;
                // Awaited first, then added: `+= await` would add to the count read before the wait.
                const failed = await send(deps, url, credentials, request).catch((error: unknown) => {
                  errors.add(describeError(error));
                  counts.failedRequests++;
                  return request.events.length;
                });
                counts.failedEvents += failed;
              }
            }),
          );
        }
      } catch (error) {
        // No credentials: nothing was sent.
        errors.add(describeError(error));
        counts.failedEvents = events.length;
      }
      // Counts and error kinds only: an event names a session and carries heart rates.
      if (counts.failedEvents > 0) deps.log.error('push publish failed', { ...counts, errors: [...errors] });
      return counts;
    },
  };
}

interface PublishRequest {
  channel: string;
  events: string[];
}

/** Per session channel, its requests of at most 5 events, in order. */
function requestsByChannel(events: readonly LiveEvent[]): PublishRequest[][] {
  const byChannel = new Map<string, string[]>();
  for (const event of events) {
    const channel = pushChannelOf(event.viewId);
    const list = byChannel.get(channel) ?? [];
    list.push(JSON.stringify(event));
    byChannel.set(channel, list);
  }
  return [...byChannel].map(([channel, list]) => {
    const requests: PublishRequest[] = [];
    for (let i = 0; i < list.length; i += MAX_EVENTS_PER_REQUEST) requests.push({ channel, events: list.slice(i, i + MAX_EVENTS_PER_REQUEST) });
    return requests;
  });
}

/** Sends one request; how many of its events failed (the answer lists them), or throws for a failed request. */
async function send(deps: AppSyncPublisherDeps, url: URL, credentials: AwsCredentials, request: PublishRequest): Promise<number> {
  const body = JSON.stringify(request);
  const headers = signPost(url, body, { 'content-type': 'application/json' }, credentials, { region: deps.region, service: 'appsync' }, deps.now());
  const response = await deps.fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(deps.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
  const answer = (await response.json().catch(() => null)) as { failed?: unknown } | null;
  if (!response.ok) throw new PublishError(response.status);
  return Array.isArray(answer?.failed) ? answer.failed.length : 0;
}

class PublishError extends Error {
  constructor(readonly statusCode: number) {
    super(`publish answered ${statusCode}`);
    this.name = 'PublishError';
  }
}

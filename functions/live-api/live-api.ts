// The live API for viewers, one code path behind CloudFront (a Lambda function URL event) and behind the
// local app server (infra/local/lambda-url-adapter.ts builds the same event from a node:http request).
//
//   GET /api/sessions/{viewId}                                     status and statistics
//   GET /api/sessions/{viewId}/readings?after=&limit=&wait=&alertsTag=   readings after a cursor
//
// Everything it returns comes from the store, which only ever holds view ids: no write key can leak here.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { ALERTS_TAG_PATTERN, alertsTagOf } from '../../src/core/alerts-tag.ts';
import { isViewId } from '../../src/core/session-key.ts';
import {
  DEFAULT_READINGS_LIMIT,
  MAX_READINGS_LIMIT,
  MAX_WAIT_MS,
  type PublicReading,
  type ReadingsBody,
  type SessionBody,
  } from '../../src/core/live-api-types.ts';
import { START_CURSOR, isCursor, type LiveStore, type StoredReading } from '../store/live-store.ts';
import { describeError, type Logger } from '../lib/logger.ts';
import { errorResponse, longPollResponse, okResponse } from './responses.ts';
import { sharedAlertsOf, toSessionBody } from './session-body.ts';
import { isViewable, sessionStatusOf } from './session-status.ts';

/** The parts of a function URL / HTTP API v2 event the API reads; both event shapes satisfy it. */
type LiveApiEvent = Pick<APIGatewayProxyEventV2, 'rawPath' | 'rawQueryString'> & {
  requestContext: { http: { method: string } };
};

export type LiveApiHandler = (event: LiveApiEvent) => Promise<APIGatewayProxyStructuredResultV2>;

export interface LiveApiDeps {
  store: LiveStore;
  now: () => number;
  log: Logger;
  /** Upper bound for `wait` (long-poll), ms. Only stores with waitForReadings honour `wait`. */
  maxWaitMs?: number;
}

const SESSION_PATH = /^\/api\/sessions\/([^/]+)$/;
const READINGS_PATH = /^\/api\/sessions\/([^/]+)\/readings$/;
const LIMIT_PATTERN = /^[1-9][0-9]{0,3}$/;
const WAIT_PATTERN = /^(0|[1-9][0-9]{0,4})$/;
const ALLOWED_METHODS = 'GET, HEAD';

export function createLiveApi(deps: LiveApiDeps): LiveApiHandler {
  const maxWaitMs = deps.maxWaitMs ?? MAX_WAIT_MS;

  return async (event) => {
    const method = event.requestContext.http.method.toUpperCase();
    const sessionMatch = SESSION_PATH.exec(event.rawPath);
    const readingsMatch = sessionMatch === null ? READINGS_PATH.exec(event.rawPath) : null;
    const rawViewId = sessionMatch?.[1] ?? readingsMatch?.[1];
    if (rawViewId === undefined) return errorResponse(404, 'not-found', 'No such API route. See README: /api/sessions/{viewId}[/readings].');
    if (method !== 'GET' && method !== 'HEAD') {
      return errorResponse(405, 'method-not-allowed', `Use ${ALLOWED_METHODS}.`, { allow: ALLOWED_METHODS });
    }
    if (!isViewId(rawViewId)) return errorResponse(400, 'bad-view-id', 'A view id is 22 base64url characters, as in a share link.');

    let response: APIGatewayProxyStructuredResultV2;
    try {
      response =
        sessionMatch !== null
          ? await getSession(deps, rawViewId)
          : await getReadings(deps, rawViewId, new URLSearchParams(event.rawQueryString), maxWaitMs);
    } catch (error) {
      deps.log.error('live api store error', { route: sessionMatch !== null ? 'session' : 'readings', error: describeError(error) });
      return errorResponse(503, 'unavailable', 'The live store is unavailable; try again shortly.');
    }
    return method === 'HEAD' ? { ...response, body: '' } : response;
  };
}

async function getSession(deps: LiveApiDeps, viewId: string): Promise<APIGatewayProxyStructuredResultV2> {
  const session = await deps.store.getSession(viewId);
  const serverTime = deps.now();
  const status = sessionStatusOf(session, serverTime);
  if (session === null || !isViewable(status)) return okResponse({ viewId, status, serverTime } satisfies SessionBody);
  return okResponse(toSessionBody(session, status, serverTime));
}

async function getReadings(deps: LiveApiDeps, viewId: string, query: URLSearchParams, maxWaitMs: number): Promise<APIGatewayProxyStructuredResultV2> {
  const params = parseReadingsQuery(query, maxWaitMs);
  if ('error' in params) return params.error;

  let session = await deps.store.getSession(viewId);
  let status = sessionStatusOf(session, deps.now());
  if (status === 'revoked' || status === 'expired') {
    const body: ReadingsBody = { viewId, status, serverTime: deps.now(), readings: [], next: params.after, more: false, alertsTag: alertsTagOf(undefined) };
    return okResponse(body);
  }
  let page = await deps.store.getReadings(viewId, params.after, params.limit);
  // A long-poll: only a store that can wait (the embedded one) honours `wait`; an ended session has nothing to wait
  // for, and a viewer whose alerts are out of date (its tag is not the one served now) is told at once.
  const waitForReadings = params.waitMs > 0 ? deps.store.waitForReadings?.bind(deps.store) : undefined;
  const alertsKnown = params.alertsTag === undefined || params.alertsTag === alertsTagOf(sharedAlertsOf(session, status));
  if (
    waitForReadings !== undefined &&
    page.readings.length === 0 &&
    status !== 'ended' &&
    alertsKnown &&
    (await waitForReadings(viewId, params.after, params.waitMs))
  ) {
    session = await deps.store.getSession(viewId);
    status = sessionStatusOf(session, deps.now());
    page = isViewable(status) ? await deps.store.getReadings(viewId, params.after, params.limit) : { readings: [], cursor: params.after, more: false };
  }
  const alerts = sharedAlertsOf(session, status);
  const body: ReadingsBody = {
    viewId,
    status,
    serverTime: deps.now(),
    readings: page.readings.map(toPublicReading),
    next: page.cursor,
    more: page.more,
    alertsTag: alertsTagOf(alerts),
  };
  // The alerts ride along, so a change the long-poll woke for (an alert event, rules withdrawn) needs no second request.
  if (alerts !== undefined) body.alerts = alerts;
  // An empty page is not cached either: the viewer asks again for the same cursor a second later, and a cached
  // empty answer would hide a reading that landed meanwhile for up to the cache time (README, latency budget).
  return waitForReadings !== undefined || page.readings.length === 0 ? longPollResponse(body) : okResponse(body);
}

type ReadingsQuery = { after: string; limit: number; waitMs: number; alertsTag: string | undefined } | { error: APIGatewayProxyStructuredResultV2 };

function parseReadingsQuery(query: URLSearchParams, maxWaitMs: number): ReadingsQuery {
  // getAll: a repeated parameter is ambiguous, so it is refused rather than picking one.
  const after = query.getAll('after');
  const limit = query.getAll('limit');
  const wait = query.getAll('wait');
  const alertsTag = query.getAll('alertsTag');
  if (after.length > 1 || (after[0] !== undefined && !isCursor(after[0]))) {
    return { error: errorResponse(400, 'bad-cursor', 'after must be a cursor from an earlier answer ("next"), or 0 for the start.') };
  }
  if (limit.length > 1 || (limit[0] !== undefined && !(LIMIT_PATTERN.test(limit[0]) && Number(limit[0]) <= MAX_READINGS_LIMIT))) {
    return { error: errorResponse(400, 'bad-limit', `limit must be a whole number from 1 to ${MAX_READINGS_LIMIT}.`) };
  }
  if (wait.length > 1 || (wait[0] !== undefined && !(WAIT_PATTERN.test(wait[0]) && Number(wait[0]) <= maxWaitMs))) {
    return { error: errorResponse(400, 'bad-wait', `wait must be whole milliseconds from 0 to ${maxWaitMs}.`) };
  }
  if (alertsTag.length > 1 || (alertsTag[0] !== undefined && !ALERTS_TAG_PATTERN.test(alertsTag[0]))) {
    return { error: errorResponse(400, 'bad-alerts-tag', 'alertsTag must be the alertsTag of an earlier answer: 8 hex digits.') };
  }
  return {
    after: after[0] ?? START_CURSOR,
    limit: limit[0] === undefined ? DEFAULT_READINGS_LIMIT : Number(limit[0]),
    waitMs: wait[0] === undefined ? 0 : Number(wait[0]),
    alertsTag: alertsTag[0],
  };
}

// An explicit allow-list: whatever else a store keeps (kj, positions, receive times) stays out of the API.
export function toPublicReading(r: StoredReading): PublicReading {
  const out: PublicReading = { seq: r.seq, t: r.t, bpm: r.bpm };
  if (r.rr !== undefined) out.rr = r.rr;
  if (r.contact !== undefined) out.contact = r.contact;
  return out;
}

import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ApiErrorBody, ApiErrorCode, ReadingsBody, SessionBody } from '../../src/core/live-api-types.ts';

// About a second at the browser and at the CDN: a burst of viewers of one session costs the origin one
// request per second, and no one sees data older than the sensor's own notification interval.
const FRESH_CACHE_CONTROL = 'public, max-age=1, s-maxage=1';
// Bad input gives the same answer for a while, so the CDN may absorb repeats, but not for long.
const CLIENT_ERROR_CACHE_CONTROL = 'public, max-age=10, s-maxage=10';
const NO_STORE = 'no-store';

function jsonResponse(status: number, body: unknown, cacheControl: string, extraHeaders: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': cacheControl,
      'x-content-type-options': 'nosniff',
      ...extraHeaders,
    },
    body: JSON.stringify(body),
  };
}

export function okResponse(body: SessionBody | ReadingsBody): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(200, body, FRESH_CACHE_CONTROL);
}

/**
 * A long-poll answer is never cached: a client re-asks the same URL right after an empty answer, and a
 * cached copy would turn its wait into a busy loop that hears of new readings up to a second late.
 */
export function longPollResponse(body: ReadingsBody): APIGatewayProxyStructuredResultV2 {
  return jsonResponse(200, body, NO_STORE);
}

export function errorResponse(status: 400 | 404 | 405 | 503, error: ApiErrorCode, message: string, extraHeaders?: Record<string, string>): APIGatewayProxyStructuredResultV2 {
  const body: ApiErrorBody = { error, message };
  return jsonResponse(status, body, status >= 500 ? NO_STORE : CLIENT_ERROR_CACHE_CONTROL, extraHeaders);
}

// A local stand-in for AppSync Events' HTTP publish endpoint (POST /event), over real HTTP, checking what AppSync
// would check of every request and what the push contract adds: Signature Version 4 for service "appsync" with the
// session token, a JSON body of exactly {channel, events}, 1 to 5 events each a JSON string, a channel of the `live`
// namespace at the one depth the subscribe handler allows, and every event a LiveEvent (parseLiveEvent) of the
// session whose channel it is on. A request that breaks any of it is a violation, refused as AppSync would.
// No AppSync runs here: this verifies the contract only.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseLiveEvent, type LiveEvent } from '../../../../src/core/live-events.ts';
import { pushChannelOf } from '../../../../src/core/push-channel-name.ts';
import { verifySigV4, type SigV4Expectation } from './sigv4.ts';

export interface PublishedRequest {
  channel: string;
  events: LiveEvent[];
}

export interface AppSyncPublishStandIn {
  url: string;
  /** Requests accepted, in the order they arrived. */
  published: PublishedRequest[];
  /** Every request that reached the stand-in. */
  attempts: number;
  violations: string[];
  /** An HTTP status to fail a request to this channel with, or 'partial' to list its first event as failed. */
  fault: ((channel: string) => number | 'partial' | undefined) | undefined;
  stop(): Promise<void>;
}

const CHANNEL = /^\/live\/[0-9a-f]{32}$/;

export async function startAppSyncPublishStandIn(expected: SigV4Expectation & { sessionToken?: string }): Promise<AppSyncPublishStandIn> {
  const standIn: AppSyncPublishStandIn = {
    url: '',
    published: [],
    attempts: 0,
    violations: [],
    fault: undefined,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      standIn.attempts++;
      const raw = Buffer.concat(chunks);
      const send = (status: number, body: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const refuse = (problem: string, status = 400): void => {
        standIn.violations.push(problem);
        send(status, { errors: [{ errorType: status === 403 ? 'UnauthorizedException' : 'BadRequestException', message: problem }] });
      };
      const signature = verifySigV4(req.method ?? '', req.url ?? '/', req.headers, raw, expected);
      if (!signature.ok) return refuse(`signature: ${signature.problem}`, 403);
      if (expected.sessionToken !== undefined && req.headers['x-amz-security-token'] !== expected.sessionToken) return refuse('session token missing', 403);
      if (!signature.signedHeaders?.includes('x-amz-security-token') && expected.sessionToken !== undefined) return refuse('session token not signed', 403);
      if (req.method !== 'POST' || req.url !== '/event') return refuse(`unexpected ${req.method} ${req.url}`, 404);
      if (req.headers['content-type'] !== 'application/json') return refuse(`content-type ${req.headers['content-type']}`);
      const problem = checkBody(raw.toString('utf8'));
      if (typeof problem === 'string') return refuse(problem);
      const fault = standIn.fault?.(problem.channel);
      if (typeof fault === 'number') return send(fault, { errors: [{ errorType: 'InternalFailure', message: 'stand-in fault' }] });
      const ids = problem.events.map((_, index) => ({ identifier: randomUUID(), index }));
      if (fault === 'partial') {
        standIn.published.push({ channel: problem.channel, events: problem.events.slice(1) });
        return send(200, { failed: [{ ...ids[0], code: 500, message: 'stand-in fault' }], successful: ids.slice(1) });
      }
      standIn.published.push(problem);
      send(200, { failed: [], successful: ids });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return standIn;
}

/** The request, or what is wrong with it. */
function checkBody(text: string): PublishedRequest | string {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return 'body is not JSON';
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body is not an object';
  const { channel, events, ...rest } = body as Record<string, unknown>;
  if (Object.keys(rest).length > 0) return `unexpected fields ${Object.keys(rest).join(', ')}`;
  if (typeof channel !== 'string' || !CHANNEL.test(channel)) return `channel ${String(channel)}`;
  if (!Array.isArray(events) || events.length < 1 || events.length > 5) return `events: ${Array.isArray(events) ? events.length : typeof events}`;
  const parsed: LiveEvent[] = [];
  for (const event of events) {
    if (typeof event !== 'string') return 'an event is not a JSON string';
    if (Buffer.byteLength(event) > 240 * 1024) return 'an event is over 240 KB';
    const live = parseLiveEvent(JSON.parse(event));
    if (live === null) return `not a live event: ${event.slice(0, 80)}`;
    if (pushChannelOf(live.viewId) !== channel) return `an event of another session on ${channel}`;
    parsed.push(live);
  }
  return { channel, events: parsed };
}

// The browser's only way to the local stream (docs/architecture.md, "The stream proxy on the app's origin"). The
// emulator would run any action for anyone who reaches it (GetRecords reads every write key, DeleteStream ends
// the stream), so the page talks to this route on its own origin instead: POST only, PutRecord/PutRecords on
// the one stream only, from the app's own origin only. What passes is forwarded as signed, headers and path
// unchanged but for the browser's own (Origin, Referer, Cookie) and the hop-by-hop ones. Being the public write
// path, it also limits how fast each client address, and all of them together, may write (src/core/write-limit.ts).
import { request, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { TLSSocket } from 'node:tls';
import { createWriteLimiter, type WriteCost, type WriteLimits } from '../../src/core/write-limit.ts';
import type { AppRoute } from './static-server.ts';

/** Where the app server (and the dev server) mount the proxy; config.json's kinesis.endpoint in embedded mode. */
export const KINESIS_PROXY_PATH = '/kinesis';

export interface KinesisProxyOptions {
  /** The one stream the browser may write to. */
  streamName: string;
  /** Where allowed calls go: the emulator, or a test's fault-injecting proxy in front of it. */
  upstream: string;
  /** Default MAX_BODY_BYTES. */
  maxBodyBytes?: number;
  /** Reading the body plus the whole upstream exchange, ms. Default TIMEOUT_MS. */
  timeoutMs?: number;
  /** The stream's shards: the write limit for all clients together is Kinesis's per-shard one times this. Default 1. */
  shardCount?: number;
  /** Default WRITE_LIMITS (src/core/write-limit.ts). */
  writeLimits?: WriteLimits;
  /** The write limit's clock, ms, monotonic. Default performance.now. */
  now?: () => number;
  /** The LAN mode's host name (e.g. "laptop.local"): on its HTTPS server the page may have this origin too. */
  lanHostName?: string;
}

// Kinesis's own limit for one PutRecords request; the app's batches of 500 readings are far below it.
const MAX_BODY_BYTES = 5 * 1024 * 1024;
// Below the app's own request timeout (15 s, src/lib/uplink/kinesis-sender.ts), so the app hears why it failed.
const TIMEOUT_MS = 10_000;
const ALLOWED_TARGETS: ReadonlySet<string> = new Set(['Kinesis_20131202.PutRecord', 'Kinesis_20131202.PutRecords']);
// The AWS JSON 1.1 protocol the SDK speaks to Kinesis; the body must be readable to check the stream.
const AMZ_JSON = 'application/x-amz-json-1.1';
// Headers that belong to one connection, and headers only a browser sends: none of them goes upstream, so the
// emulator (which refuses any request with an Origin) sees a plain client.
const NOT_FORWARDED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'origin', 'referer', 'cookie']);
const NOT_RELAYED = new Set(['connection', 'keep-alive', 'transfer-encoding']);
// What the SDK reads from an answer; only needed when the page's origin is the app's other loopback name.
const EXPOSED_HEADERS = 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date';

type Refusal = { status: 400 | 403 | 404 | 405 | 408 | 413; type: string; message: string };

// What Kinesis answers past a shard's write limit, so the app's uplink backs off and retries as it does in AWS
// (src/core/uplink-rules.ts counts it as throttled).
const THROTTLED: Refusal = { status: 400, type: 'ProvisionedThroughputExceededException', message: 'Rate exceeded for this client or for the stream: slow down and retry' };

export function createKinesisProxyRoute(options: KinesisProxyOptions): AppRoute {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;
  const upstream = new URL(options.upstream);
  const limiter = createWriteLimiter(options.shardCount ?? 1, options.now ?? (() => performance.now()), options.writeLimits);
  return {
    prefix: KINESIS_PROXY_PATH,
    async handle(req, res) {
      const origin = req.headers.origin;
      const refusal = checkRequestLine(req, options.lanHostName);
      if (refusal) return refuse(req, res, refusal);
      if (req.method === 'OPTIONS') return answerPreflight(req, res, origin ?? '');

      // Before the body: a client (or the stream) already over its limit is answered at once and its body
      // drained unread, so a flood costs the stack a request line, not a parse and an upstream call.
      const client = clientAddress(req);
      if (!limiter.allows(client, { records: 1, bytes: declaredLength(req) })) return throttle(req, res, origin ?? '');
      const deadline = AbortSignal.timeout(timeoutMs);
      const body = await readCappedBody(req, maxBodyBytes, deadline);
      if (body === 'too-large') return refuse(req, res, { status: 413, type: 'PayloadTooLarge', message: `the body is over ${maxBodyBytes} bytes` });
      if (body === 'timed-out') return refuse(req, res, { status: 408, type: 'RequestTimeout', message: 'the body did not arrive in time' });
      const write = checkStream(body, options.streamName);
      // A refused body costs what it was read for too, so sending bad ones is no way around the limit.
      const cost: WriteCost = { records: 'records' in write ? write.records : 1, bytes: body.length };
      if (!limiter.admit(client, cost)) return throttle(req, res, origin ?? '');
      if ('status' in write) return refuse(req, res, write);
      await forward(req, res, body, upstream, deadline, origin ?? '');
    },
  };
}

/** The client's address as the socket has it; one per device on loopback and on a LAN, one per NAT beyond. */
function clientAddress(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** The body length the client declared, 0 when it streams the body chunked (the real length is counted after). */
function declaredLength(req: IncomingMessage): number {
  const length = Number(req.headers['content-length']);
  return Number.isSafeInteger(length) && length > 0 ? length : 0;
}

/**
 * The app's own origins: the two loopback names of the port this request came in on; on the LAN mode's HTTPS
 * server instead, https on the address and port it came in on, or the LAN host name on that port. A page on any
 * other origin (another port, another site, a DNS-rebound name) is refused. A request without Origin is refused
 * too: browsers send Origin with every POST, same-origin ones included, so only a non-browser client omits it,
 * and such a client can reach the emulator directly anyway.
 */
function isOwnOrigin(req: IncomingMessage, origin: string | undefined, lanHostName: string | undefined): boolean {
  const port = req.socket.localPort;
  if ((req.socket as TLSSocket).encrypted === true) {
    return origin === `https://${req.socket.localAddress}:${port}` || (lanHostName !== undefined && origin === `https://${lanHostName}:${port}`);
  }
  return origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

function checkRequestLine(req: IncomingMessage, lanHostName: string | undefined): Refusal | undefined {
  const path = (req.url ?? '/').split('?', 1)[0];
  if (path !== KINESIS_PROXY_PATH && path !== `${KINESIS_PROXY_PATH}/`) return { status: 404, type: 'NotFound', message: `only ${KINESIS_PROXY_PATH} is proxied` };
  if (req.method !== 'POST' && req.method !== 'OPTIONS') return { status: 405, type: 'MethodNotAllowed', message: 'only POST is proxied' };
  if (!isOwnOrigin(req, req.headers.origin, lanHostName)) return { status: 403, type: 'AccessDeniedException', message: 'only the app’s own origin may write to the stream' };
  if (req.method === 'OPTIONS') return undefined;
  const target = req.headers['x-amz-target'];
  if (typeof target !== 'string' || !ALLOWED_TARGETS.has(target)) {
    return { status: 403, type: 'AccessDeniedException', message: 'only PutRecord and PutRecords are allowed' };
  }
  const contentType = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim();
  if (contentType !== AMZ_JSON) return { status: 400, type: 'SerializationException', message: `the body must be ${AMZ_JSON}` };
  return undefined;
}

/**
 * The one stream, by name or by ARN; a body naming none, or another, is refused. What passes is the number of
 * records it puts, as Kinesis counts them against a shard's limit (PutRecord is one).
 */
function checkStream(body: Buffer, streamName: string): Refusal | { records: number } {
  let input: unknown;
  try {
    input = JSON.parse(body.toString('utf8'));
  } catch {
    return { status: 400, type: 'SerializationException', message: 'the body is not JSON' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { status: 400, type: 'SerializationException', message: 'the body is not a JSON object' };
  const { StreamName: name, StreamARN: arn } = input as Record<string, unknown>;
  const nameOk = name === undefined || name === streamName;
  // arn:aws:kinesis:<region>:<account>:stream/<name>; the emulator itself checks region and account.
  const arnOk = arn === undefined || (typeof arn === 'string' && arn.endsWith(`:stream/${streamName}`));
  if ((name === undefined && arn === undefined) || !nameOk || !arnOk) {
    return { status: 403, type: 'AccessDeniedException', message: `only stream ${streamName} may be written to` };
  }
  const { Records: records } = input as Record<string, unknown>;
  return { records: Array.isArray(records) ? Math.max(1, records.length) : 1 };
}

function answerPreflight(req: IncomingMessage, res: ServerResponse, origin: string): void {
  res.writeHead(204, {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'POST',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '',
    'Access-Control-Max-Age': '600',
    Vary: 'Origin',
  });
  res.end();
}

function readCappedBody(req: IncomingMessage, maxBytes: number, deadline: AbortSignal): Promise<Buffer | 'too-large' | 'timed-out'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const finish = (result: Buffer | 'too-large' | 'timed-out'): void => {
      req.off('data', onData);
      deadline.removeEventListener('abort', onTimeout);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > maxBytes) {
        // Drained, not read: the answer goes out and the rest of the body is thrown away.
        req.resume();
        finish('too-large');
      } else {
        chunks.push(chunk);
      }
    };
    const onTimeout = (): void => finish('timed-out');
    req.on('data', onData);
    req.once('end', () => finish(Buffer.concat(chunks)));
    // A client gone mid-body: nothing to answer; the route's response is simply never read.
    req.once('error', () => finish('timed-out'));
    deadline.addEventListener('abort', onTimeout, { once: true });
  });
}

/** Sends the request on as signed and streams the answer back; an unreachable or slow upstream is a 502/504. */
function forward(req: IncomingMessage, res: ServerResponse, body: Buffer, upstream: URL, deadline: AbortSignal, origin: string): Promise<void> {
  return new Promise((resolve) => {
    const headers = forwardedHeaders(req.headers, body.length);
    const outgoing = request(
      { protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: 'POST', path: req.url, headers, signal: deadline },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, { ...relayedHeaders(answer.headers), ...corsHeaders(origin) });
        answer.pipe(res);
        answer.once('end', resolve);
        answer.once('error', () => {
          res.destroy();
          resolve();
        });
      },
    );
    outgoing.once('error', (error) => {
      if (res.headersSent) res.destroy();
      else if (deadline.aborted) sendError(req, res, 504, 'GatewayTimeout', 'the stream did not answer in time');
      else sendError(req, res, 502, 'BadGateway', `the stream cannot be reached: ${error.message}`);
      resolve();
    });
    outgoing.end(body);
  });
}

function forwardedHeaders(incoming: IncomingHttpHeaders, length: number): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    if (!NOT_FORWARDED.has(name)) headers[name] = value;
  }
  // The body went through as received; only its framing may have been chunked.
  headers['content-length'] = String(length);
  return headers;
}

function relayedHeaders(incoming: IncomingHttpHeaders): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(incoming)) {
    // The upstream's CORS headers, if any, are not the proxy's answer: it sets its own for the app's origin.
    if (!NOT_RELAYED.has(name) && !name.startsWith('access-control-')) headers[name] = value;
  }
  return headers;
}

function corsHeaders(origin: string): Record<string, string> {
  return { 'Access-Control-Allow-Origin': origin, 'Access-Control-Expose-Headers': EXPOSED_HEADERS, Vary: 'Origin' };
}

function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  // Drain what the client still sends, so the connection can answer at all.
  req.resume();
  sendError(req, res, refusal.status, refusal.type, refusal.message);
}

/**
 * Throttled, as Kinesis says it. Only ever sent to the app's own origin (checked first), with its CORS headers:
 * the page, on either loopback name, must read it to back off rather than count it as a network failure.
 */
function throttle(req: IncomingMessage, res: ServerResponse, origin: string): void {
  // Drained, not read: no listener holds the chunks, so the body costs only its socket reads.
  req.resume();
  sendError(req, res, THROTTLED.status, THROTTLED.type, THROTTLED.message, corsHeaders(origin));
}

/** Kinesis's error shape, so the SDK in the page names the error; no CORS headers, so another origin reads nothing. */
function sendError(req: IncomingMessage, res: ServerResponse, status: number, type: string, message: string, extraHeaders: Record<string, string> = {}): void {
  const body = JSON.stringify({ __type: type, message });
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'x-amzn-ErrorType': type,
    ...extraHeaders,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

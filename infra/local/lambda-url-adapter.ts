// Runs a Lambda function URL handler behind the local app server: node:http request in, the payload v2.0
// event AWS builds out, and its structured result written back. The handler code is the one deployed.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AppRoute } from './static-server.ts';

export type FunctionUrlHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

// Function URLs accept 6 MB; nothing local needs more than a small JSON body.
const MAX_BODY_BYTES = 256 * 1024;

export function createFunctionUrlRoute(prefix: string, handler: FunctionUrlHandler): AppRoute {
  return {
    prefix,
    async handle(req, res) {
      const body = await readBody(req);
      if (body === 'too-large') return writeResult(req, res, { statusCode: 413, body: 'payload too large' });
      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = await handler(toFunctionUrlEvent(req, body));
      } catch (error) {
        // What a function URL answers when the function throws; the error stays in the log.
        console.error(`${prefix} handler error:`, error);
        result = { statusCode: 502, headers: { 'content-type': 'application/json' }, body: '{"message":"Internal Server Error"}' };
      }
      writeResult(req, res, result);
    },
  };
}

export function toFunctionUrlEvent(req: IncomingMessage, body: Buffer | undefined): APIGatewayProxyEventV2 {
  const rawUrl = req.url ?? '/';
  const queryStart = rawUrl.indexOf('?');
  const rawPath = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const rawQueryString = queryStart === -1 ? '' : rawUrl.slice(queryStart + 1);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = req.headers.cookie?.split(/;\s*/).filter(Boolean);
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: req.headers.host ?? 'localhost',
      domainPrefix: (req.headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: req.headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: false,
  };
  if (cookies !== undefined && cookies.length > 0) event.cookies = cookies;
  const query = toQueryParameters(rawQueryString);
  if (query !== undefined) event.queryStringParameters = query;
  if (body !== undefined && body.length > 0) {
    event.body = body.toString('base64');
    event.isBase64Encoded = true;
  }
  return event;
}

/** As function URLs do: decoded, repeated names joined with commas. */
function toQueryParameters(rawQueryString: string): Record<string, string> | undefined {
  if (rawQueryString === '') return undefined;
  const out: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQueryString)) out[name] = name in out ? `${out[name]},${value}` : value;
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk);
  }
  return chunks.length === 0 ? undefined : Buffer.concat(chunks);
}

/** Writes a handler's structured result as the function URL would (other local routes answer their errors so too). */
export function writeResult(req: IncomingMessage, res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body === undefined ? Buffer.alloc(0) : Buffer.from(result.body, result.isBase64Encoded === true ? 'base64' : 'utf8');
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (result.cookies !== undefined && result.cookies.length > 0) res.setHeader('set-cookie', result.cookies);
  res.setHeader('content-length', body.length);
  res.writeHead(result.statusCode ?? 200);
  res.end(req.method === 'HEAD' ? undefined : body);
}

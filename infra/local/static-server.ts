import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { RuntimeConfig } from '../../src/core/runtime-config.ts';
import { cacheControlFor } from '../asset-caching.ts';
import { contentTypeFor, isAppRoute, resolveStaticPath } from './static-files.ts';
import { closeServer, listenOn, type LoopbackHost } from './server-lifecycle.ts';

/** Extra handlers mounted ahead of the static files, e.g. the live API under /api/. */
export interface AppRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

export interface AppServerOptions {
  host?: LoopbackHost;
  /** 0 picks a free port. */
  port: number;
  distDir: string;
  config: RuntimeConfig;
  routes?: readonly AppRoute[];
  /** Sent with every HTML page, as CloudFront does in AWS. */
  contentSecurityPolicy?: string;
}

export interface AppServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

// Never answered with index.html: the service worker's navigation fallback excludes it too (vite.config.ts).
const NO_FALLBACK_PREFIXES = ['/api/'];

/** Serves the built PWA, its runtime config.json and any mounted routes. */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const host = options.host ?? '127.0.0.1';
  const distDir = resolve(options.distDir);
  const indexPath = join(distDir, 'index.html');
  if (!(await isFile(indexPath))) throw new Error(`${indexPath} not found: build the app first (npm run build)`);

  const configBody = `${JSON.stringify(options.config, null, 2)}\n`;
  const routes = options.routes ?? [];
  const server = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error(`app server: ${req.method} ${req.url}:`, error);
      if (res.headersSent) res.destroy();
      else sendText(req, res, 500, 'internal error');
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const urlPath = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const route = routes.find((candidate) => urlPath.startsWith(candidate.prefix));
    if (route) return route.handle(req, res);

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return sendText(req, res, 405, 'method not allowed');
    }
    if (urlPath === '/config.json') {
      // Generated per run and per world (embedded or AWS): never let a cache keep one.
      return sendBody(req, res, 200, configBody, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    }

    const target = resolveStaticPath(distDir, urlPath === '/' ? '/index.html' : urlPath);
    if (!target.ok) return sendText(req, res, target.status, target.status === 403 ? 'forbidden' : 'bad request');
    if (await isFile(target.filePath)) return sendFile(req, res, target.filePath, urlPath, options.contentSecurityPolicy);
    if (isAppRoute(urlPath) && !NO_FALLBACK_PREFIXES.some((prefix) => urlPath.startsWith(prefix))) {
      return sendFile(req, res, indexPath, '/index.html', options.contentSecurityPolicy);
    }
    return sendText(req, res, 404, 'not found');
  }

  const port = await listenOn(server, host, options.port);
  return { url: `http://${host}:${port}`, port, stop: () => closeServer(server) };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function sendFile(req: IncomingMessage, res: ServerResponse, filePath: string, urlPath: string, csp?: string): Promise<void> {
  const info = await stat(filePath);
  if (csp !== undefined && filePath.endsWith('.html')) res.setHeader('Content-Security-Policy', csp);
  const etag = `W/"${info.size.toString(16)}-${Math.trunc(info.mtimeMs).toString(16)}"`;
  res.setHeader('Content-Type', contentTypeFor(filePath));
  res.setHeader('Cache-Control', cacheControlFor(urlPath));
  res.setHeader('ETag', etag);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304).end();
    return;
  }
  res.setHeader('Content-Length', info.size);
  if (req.method === 'HEAD') {
    res.writeHead(200).end();
    return;
  }
  res.writeHead(200);
  const stream = createReadStream(filePath);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  sendBody(req, res, status, `${text}\n`, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
}

function sendBody(req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

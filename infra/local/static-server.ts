// The embedded stack's web server: the built PWA from dist/ (served by sirv), its runtime config.json, and
// mounted routes such as the live API. sirv does the file work (content types, ETag/304, HEAD, ranges, and
// keeping every request path inside dist/). What stays hand-written is
// what makes this server behave like the AWS deployment and sirv has no option for: the per-run
// config.json, mounted routes, GET/HEAD only, the CloudFront-like headers, and no app shell under /api/.
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { extname, join, resolve } from 'node:path';
import sirv from 'sirv';
import type { RuntimeConfig } from '../../src/core/runtime-config.ts';
import { cacheControlFor } from '../asset-caching.ts';
import { closeServer, listenOn, type LoopbackHost } from './server-lifecycle.ts';

/** Extra handlers mounted ahead of the static files, e.g. the live API under /api/. */
export interface AppRoute {
  prefix: string;
  handle(req: IncomingMessage, res: ServerResponse): void | Promise<void>;
}

/** What the app's requests are answered from; the loopback server and the LAN mode's HTTPS server share it. */
export interface AppContent {
  distDir: string;
  /** Read per request: the LAN mode adds its part once its servers know their ports. */
  config: () => RuntimeConfig;
  routes?: readonly AppRoute[];
  /** Sent with every HTML page, as CloudFront does in AWS. */
  contentSecurityPolicy?: string;
}

export interface AppServerOptions extends Omit<AppContent, 'config'> {
  host?: LoopbackHost;
  /** 0 picks a free port. */
  port: number;
  config: RuntimeConfig;
}

export interface AppServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

// Never answered with index.html: the service worker's navigation fallback excludes it too (vite.config.ts).
const NO_FALLBACK_PREFIXES = ['/api/'];

/** Serves the built PWA, its runtime config.json and any mounted routes, on loopback. */
export async function startAppServer(options: AppServerOptions): Promise<AppServer> {
  const host = options.host ?? '127.0.0.1';
  const config = options.config;
  const server = createServer(createAppHandler({ ...options, config: () => config }));
  const port = await listenOn(server, host, options.port);
  return { url: `http://${host}:${port}`, port, stop: () => closeServer(server) };
}

/** The app server's request handler: mounted routes, config.json, then the static files. */
export function createAppHandler(options: AppContent): RequestListener {
  const distDir = resolve(options.distDir);
  const indexPath = join(distDir, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`${indexPath} not found: build the app first (npm run build)`);

  const routes = options.routes ?? [];
  const serveFile = sirv(distDir, {
    // Looks files up per request instead of indexing dist/ once at start, so a rebuild (or a test that deploys
    // a new sw.js) is served as it is on disk, with matching length and ETag. Cache-Control is set below.
    dev: true,
    etag: true,
    // Paths without a file extension are routes of the single-page app (/, /v/<view id>), as in AWS
    // (infra/cdk/web/spa-routing.ts); sirv never falls back for paths with an extension.
    single: true,
    ignores: NO_FALLBACK_PREFIXES.map((prefix) => `^${prefix}`),
    setHeaders: (res, pathname) => {
      res.setHeader('Cache-Control', cacheControlFor(pathname));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      if (options.contentSecurityPolicy !== undefined && isHtmlPath(pathname)) {
        res.setHeader('Content-Security-Policy', options.contentSecurityPolicy);
      }
    },
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
      return sendBody(req, res, 200, `${JSON.stringify(options.config(), null, 2)}\n`, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
    }
    serveFile(req, res, () => sendText(req, res, 404, 'not found'));
  }

  return (req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      console.error(`app server: ${req.method} ${req.url}:`, error);
      if (res.headersSent) res.destroy();
      else sendText(req, res, 500, 'internal error');
    });
  };
}

/** The app shell (/, an app route, which sirv answers with index.html) or another HTML file. */
function isHtmlPath(pathname: string): boolean {
  const extension = extname(pathname.slice(pathname.lastIndexOf('/') + 1));
  return extension === '' || extension === '.html';
}

function sendText(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  sendBody(req, res, status, `${text}\n`, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
}

function sendBody(req: IncomingMessage, res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  res.writeHead(status, { ...headers, 'Content-Length': Buffer.byteLength(body), 'X-Content-Type-Options': 'nosniff' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

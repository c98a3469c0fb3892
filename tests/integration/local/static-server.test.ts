import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';
import { startAppServer, type AppServer } from '../../../infra/local/static-server.ts';
import { PortInUseError } from '../../../infra/local/server-lifecycle.ts';
import { rawRequest } from './raw-request.ts';

const CONFIG: RuntimeConfig = {
  mode: 'embedded',
  region: 'us-east-1',
  kinesis: { streamName: 'liveheartrate', endpoint: 'http://127.0.0.1:4567' },
  apiUrl: '/api',
};

const FILES: Record<string, string> = {
  'index.html': '<!doctype html><title>app</title>',
  'sw.js': 'self.addEventListener("fetch", () => {});',
  'manifest.webmanifest': '{"name":"liveheartrate"}',
  'assets/index-AbC123.js': 'console.log(1);',
  'assets/index-AbC123.js.map': '{"version":3}',
  'assets/index-DeF456.css': 'body{}',
  'icons/icon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'icons/icon-192.png': 'png',
  'data.json': '{}',
};

describe('app server', () => {
  let root: string;
  let distDir: string;
  let server: AppServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-app-'));
    distDir = join(root, 'dist');
    for (const [path, content] of Object.entries(FILES)) {
      await mkdir(join(distDir, path, '..'), { recursive: true });
      await writeFile(join(distDir, path), content);
    }
    // A sibling of dist/ that no request may reach.
    await writeFile(join(root, 'secret.txt'), 'SECRET');
    server = await startAppServer({
      port: 0,
      distDir,
      config: CONFIG,
      contentSecurityPolicy: "default-src 'self'",
      routes: [
        {
          prefix: '/api/',
          handle: (req, res) => {
            res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ route: req.url }));
          },
        },
        {
          prefix: '/broken/',
          handle: () => Promise.reject(new Error('deliberate')),
        },
      ],
    });
  });

  afterAll(async () => {
    await server?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('listens on loopback at the port it reports', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('serves /config.json from the given config, never cached', async () => {
    const response = await fetch(`${server.url}/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual(CONFIG);
  });

  // The media type is what browsers act on (module scripts, the manifest); sirv picks it, with or without a charset.
  it.each([
    ['/', 'text/html'],
    ['/index.html', 'text/html'],
    ['/sw.js', 'text/javascript'],
    ['/manifest.webmanifest', 'application/manifest+json'],
    ['/assets/index-AbC123.js', 'text/javascript'],
    ['/assets/index-AbC123.js.map', 'application/json'],
    ['/assets/index-DeF456.css', 'text/css'],
    ['/icons/icon.svg', 'image/svg+xml'],
    ['/icons/icon-192.png', 'image/png'],
    ['/data.json', 'application/json'],
  ])('serves %s as %s', async (path, mediaType) => {
    // Act
    const response = await fetch(`${server.url}${path}`);

    // Assess
    expect(response.status).toBe(200);
    expect(mediaTypeOf(response.headers.get('content-type'))).toBe(mediaType);
    const file = path === '/' ? 'index.html' : path.slice(1);
    expect(await response.text()).toBe(FILES[file]);
  });

  it('caches hashed assets for good, and revalidates everything else', async () => {
    const asset = await fetch(`${server.url}/assets/index-AbC123.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/sw.js', '/', '/index.html', '/manifest.webmanifest', '/v/some-view']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.headers.get('cache-control'), path).toBe('no-cache');
    }
  });

  it('answers a matching If-None-Match with 304', async () => {
    const first = await fetch(`${server.url}/sw.js`);
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const second = await fetch(`${server.url}/sw.js`, { headers: { 'if-none-match': etag ?? '' } });
    expect(second.status).toBe(304);
  });

  it('serves a file changed after start as it now is, with a new ETag (a rebuild, a new service worker)', async () => {
    // Prepare
    const before = await fetch(`${server.url}/sw.js`);
    await before.text();
    const next = `${FILES['sw.js']}\n// next version\n`;

    // Act
    await writeFile(join(distDir, 'sw.js'), next);
    const after = await fetch(`${server.url}/sw.js`, { headers: { 'if-none-match': before.headers.get('etag') ?? '' } });

    // Assess
    expect(after.status).toBe(200);
    expect(await after.text()).toBe(next);
    await writeFile(join(distDir, 'sw.js'), FILES['sw.js'] ?? '');
  });

  it('sends the content security policy with HTML pages only', async () => {
    const page = await fetch(`${server.url}/v/3f9a1c`);
    const config = await fetch(`${server.url}/config.json`);

    expect(page.headers.get('content-security-policy')).toBe("default-src 'self'");
    expect(config.headers.get('content-security-policy')).toBeNull();
  });

  it('falls back to index.html for app routes', async () => {
    for (const path of ['/v/3f9a1c', '/settings', '/v/3f9a1c?from=share']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(mediaTypeOf(response.headers.get('content-type'))).toBe('text/html');
      expect(await response.text()).toBe(FILES['index.html']);
    }
  });

  it('answers 404 for missing files', async () => {
    for (const path of ['/x.js', '/assets/gone-123.js', '/icons/missing.png', '/config.js']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
    }
  });

  it('never serves a file outside dist/, plain or encoded', async () => {
    for (const path of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets/..%2f..%2fsecret.txt', '/%2E%2E%2Fsecret.txt']) {
      // Act
      const response = await rawRequest(server.port, path);

      // Assess: a missing file, or the app shell where the path reads as an app route (an encoded slash)
      expect(response.body, path).not.toContain('SECRET');
      expect(response.status === 404 || response.body === FILES['index.html'], `${path} answered ${response.status}`).toBe(true);
    }
  });

  it('answers malformed paths without an extension with the app shell, as any app route', async () => {
    for (const path of ['/%00', '/%zz']) {
      // Act
      const response = await rawRequest(server.port, path);

      // Assess
      expect(response.status, path).toBe(200);
      expect(response.body).toBe(FILES['index.html']);
    }
  });

  it('supports HEAD with the same headers and no body', async () => {
    const head = await rawRequest(server.port, '/assets/index-AbC123.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(mediaTypeOf(head.headers['content-type'] ?? null)).toBe('text/javascript');
    expect(head.headers['content-length']).toBe(String(FILES['assets/index-AbC123.js']?.length));
    expect(head.body).toBe('');
    const config = await rawRequest(server.port, '/config.json', { method: 'HEAD' });
    expect(config.status).toBe(200);
    expect(config.body).toBe('');
  });

  it('refuses methods other than GET and HEAD on static paths', async () => {
    const response = await fetch(`${server.url}/index.html`, { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('hands paths under a mounted prefix to its route, for any method', async () => {
    const response = await fetch(`${server.url}/api/live/abc?since=1`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ route: '/api/live/abc?since=1' });
  });

  it('answers 500 when a route rejects, and keeps serving', async () => {
    const errors: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    try {
      const response = await fetch(`${server.url}/broken/x`);
      expect(response.status).toBe(500);
    } finally {
      console.error = originalError;
    }
    expect(errors).toHaveLength(1);
    expect((await fetch(`${server.url}/`)).status).toBe(200);
  });
});

describe('app server without routes', () => {
  it('answers 404 under /api/ rather than the app shell', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lhr-dist-'));
    await writeFile(join(dir, 'index.html'), 'x');
    const bare = await startAppServer({ port: 0, distDir: dir, config: CONFIG });
    try {
      expect((await fetch(`${bare.url}/api/live/abc`)).status).toBe(404);
    } finally {
      await bare.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('app server start-up failures', () => {
  it('refuses a dist folder without index.html', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lhr-empty-'));
    try {
      await expect(startAppServer({ port: 0, distDir: empty, config: CONFIG })).rejects.toThrow(/index\.html not found/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('fails with PortInUseError on a taken port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lhr-dist-'));
    await writeFile(join(dir, 'index.html'), 'x');
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startAppServer({ port, distDir: dir, config: CONFIG })).rejects.toBeInstanceOf(PortInUseError);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function mediaTypeOf(contentType: string | null): string | undefined {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase();
}

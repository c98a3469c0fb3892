// `npm run dev`: the project's own vite.config.ts, started through Vite's JS API as the CLI does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../../src/core/runtime-config.ts';

const VIEW_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('dev server with the embedded stack', () => {
  let root: string;
  let server: ViteDevServer;
  let url: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-dev-'));
    process.env['LHR_DATA_DIR'] = root;
    server = await createServer({
      configFile: 'vite.config.ts',
      // Its own dependency cache, and no dependency pre-bundling: nothing here loads the app's modules, and
      // bundling the SDK would only make start-up slow on a busy machine.
      cacheDir: join(root, 'vite-cache'),
      optimizeDeps: { noDiscovery: true, include: [] },
      logLevel: 'silent',
      server: { port: 0, host: '127.0.0.1', hmr: false },
    });
    await server.listen();
    url = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
  }, 120_000); // Vite, the SDK, SQLite and kinesalite load slowly on a busy machine: a bound, not a wait

  afterAll(async () => {
    await server?.close();
    delete process.env['LHR_DATA_DIR'];
    await rm(root, { recursive: true, force: true });
  });

  it('answers /config.json with a config the app accepts, pointing at a running stream', async () => {
    // Act
    const response = await fetch(`${url}/config.json`);
    const parsed = parseRuntimeConfig(await response.json());

    // Assess
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(parsed).toMatchObject({ ok: true, config: { mode: 'embedded', apiUrl: '/api' } });
    const endpoint = parsed.ok ? parsed.config.kinesis.endpoint : undefined;
    // Any answer at all: kinesalite is listening where config.json says.
    expect((await fetch(`${endpoint}/`, { method: 'POST' })).status).toBeGreaterThanOrEqual(400);
  });

  it('answers /api from the live API handler', async () => {
    // Act
    const response = await fetch(`${url}/api/sessions/${VIEW_ID}`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ viewId: VIEW_ID, status: 'unknown' });
  });

  it('serves the app from source, for hot reload', async () => {
    // Act
    const page = await (await fetch(`${url}/v/${VIEW_ID}`)).text();

    // Assess
    expect(page).toContain('/@vite/client');
  });

  it('stops the stack when the dev server closes', async () => {
    // Prepare
    const config = (await (await fetch(`${url}/config.json`)).json()) as { kinesis: { endpoint: string } };

    // Act
    await server.close();

    // Assess
    await expect(fetch(`${config.kinesis.endpoint}/`, { method: 'POST' })).rejects.toThrow();
  });
});

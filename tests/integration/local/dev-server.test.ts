// `npm run dev`: the project's own vite.config.ts, started through Vite's JS API as the CLI does.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRuntimeConfig } from '../../../src/core/runtime-config.ts';

const VIEW_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('dev server with the embedded stack', () => {
  let root: string;
  let server: ViteDevServer;
  let url: string;
  let streamEndpoint: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-dev-'));
    process.env['LHR_DATA_DIR'] = root;
    // The component lines, silent otherwise: the stream line is the only place that names the emulator's port.
    const lines: string[] = [];
    const logger = createLogger('silent');
    logger.info = (line) => void lines.push(line);
    server = await createServer({
      configFile: 'vite.config.ts',
      // Its own dependency cache, and no dependency pre-bundling: nothing here loads the app's modules, and
      // bundling the SDK would only make start-up slow on a busy machine.
      cacheDir: join(root, 'vite-cache'),
      optimizeDeps: { noDiscovery: true, include: [] },
      customLogger: logger,
      server: { port: 0, host: '127.0.0.1', hmr: false },
    });
    await server.listen();
    url = (server.resolvedUrls?.local[0] ?? '').replace(/\/$/, '');
    streamEndpoint = /^stream +kinesalite on (http:\/\/127\.0\.0\.1:\d+) /.exec(lines.find((line) => line.startsWith('stream')) ?? '')?.[1] ?? '';
  }, 120_000); // Vite, the SDK, SQLite and kinesalite load slowly on a busy machine: a bound, not a wait

  afterAll(async () => {
    await server?.close();
    delete process.env['LHR_DATA_DIR'];
    await rm(root, { recursive: true, force: true });
  });

  it('answers /config.json with a config the app accepts, pointing at the stream proxy on its own origin', async () => {
    // Act
    const response = await fetch(`${url}/config.json`);
    const parsed = parseRuntimeConfig(await response.json());

    // Assess
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(parsed).toMatchObject({ ok: true, config: { mode: 'embedded', apiUrl: '/api', kinesis: { endpoint: '/kinesis' } } });
  });

  it('proxies PutRecords from its own origin to the running stream', async () => {
    // Prepare
    const origin = new URL(url).origin;

    // Act
    const response = await fetch(`${url}/kinesis/`, {
      method: 'POST',
      headers: {
        origin,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'Kinesis_20131202.PutRecords',
        'x-amz-date': '20260101T000000Z',
        // kinesalite checks that a request looks signed, not the signature.
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: JSON.stringify({ StreamName: 'liveheartrate', Records: [{ Data: Buffer.from('{}\n').toString('base64'), PartitionKey: 'p' }] }),
    });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ FailedRecordCount: 0 });
  });

  it('answers /api from the live API handler', async () => {
    // Act
    const response = await fetch(`${url}/api/sessions/${VIEW_ID}`);

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ viewId: VIEW_ID, status: 'unknown' });
  });

  it('answers /api/events from the event stream, ahead of the live API', async () => {
    // Act
    const controller = new AbortController();
    const stream = await fetch(`${url}/api/events?view=${VIEW_ID}`, { signal: controller.signal });
    const first = await stream.body?.getReader().read();
    controller.abort();
    const refused = await fetch(`${url}/api/events`);

    // Assess
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(new TextDecoder().decode(first?.value)).toMatch(/^data: \{"type":"session"/);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: 'bad-views' });
  });

  it('serves the app from source, for hot reload', async () => {
    // Act
    const page = await (await fetch(`${url}/v/${VIEW_ID}`)).text();

    // Assess
    expect(page).toContain('/@vite/client');
  });

  it('stops the stack when the dev server closes', async () => {
    // Prepare: any answer at all means kinesalite is listening
    expect((await fetch(`${streamEndpoint}/`, { method: 'POST' })).status).toBeGreaterThanOrEqual(400);

    // Act
    await server.close();

    // Assess
    await expect(fetch(`${streamEndpoint}/`, { method: 'POST' })).rejects.toThrow();
  });
});

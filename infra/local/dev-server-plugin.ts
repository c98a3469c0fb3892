// `npm run dev`: Vite's dev server (hot reload) in front of the embedded stack's backend, in one process and
// one command. The plugin starts the stream, store, consumer and live API when the dev server starts, answers
// /config.json, /api/ and the stream proxy at /kinesis itself (ahead of Vite's own middleware), and stops them
// when the dev server closes.
// Only the web server differs from `npm start`: Vite serves the source instead of the built app.
import { join, resolve } from 'node:path';
import type { Plugin } from 'vite';
import { readArchiveFormat } from './archive-format-env.ts';
import { readPort } from './env-port.ts';
import type { EmbeddedBackend, EmbeddedBackendOptions } from './local-stack.ts';

interface EmbeddedDevOptions {
  /**
   * Default KINESIS_PORT, else any free port: the app learns the endpoint from config.json, and a fixed port
   * would collide with a running `npm start`.
   */
  kinesisPort?: number;
  /** Default LHR_DATA_DIR/dev, else .data/dev: apart from `npm start`'s files, which it may hold open. */
  dataDir?: string;
  log?: (line: string) => void;
}

const ANY_FREE_PORT = 0;

export function embeddedStackForDev(options: EmbeddedDevOptions = {}): Plugin {
  let backend: EmbeddedBackend | undefined;
  return {
    name: 'liveheartrate:embedded-stack',
    apply: 'serve',
    async configureServer(server) {
      // As in `npm start` (infra/local/start.ts): the SDK's Node 22 notice does not apply to the pinned versions.
      process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
      // Loaded here, not at the top: `vite build` must not load the SDK, SQLite and kinesalite.
      const { formatComponentLine, startEmbeddedBackend } = await import('./local-stack.ts');
      const log = options.log ?? ((line: string) => server.config.logger.info(line));
      backend = await startEmbeddedBackend(readBackendOptions(options, log));
      const running = backend;
      const configBody = `${JSON.stringify(running.config, null, 2)}\n`;
      // Added directly (not in a returned function), so it runs before Vite's own middleware and its SPA fallback.
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '/').split('?', 1)[0];
        if (path === '/config.json') {
          res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' }).end(configBody);
        } else if (path?.startsWith(running.eventsRoute.prefix)) {
          // Ahead of the live API: the event stream's path is under its prefix.
          Promise.resolve(running.eventsRoute.handle(req, res)).catch(next);
        } else if (path?.startsWith(running.apiRoute.prefix)) {
          Promise.resolve(running.apiRoute.handle(req, res)).catch(next);
        } else if (path?.startsWith(running.kinesisRoute.prefix)) {
          // The browser's only way to the stream, as with `npm start` (infra/local/kinesis-proxy.ts).
          Promise.resolve(running.kinesisRoute.handle(req, res)).catch(next);
        } else {
          next();
        }
      });
      log(formatComponentLine('api', 'Lambda handler at /api/sessions/{viewId}[/readings] on the dev server'));
    },
    // Vite runs this when the dev server closes (server.close(), Ctrl-C in the terminal).
    async buildEnd() {
      await backend?.stop();
      backend = undefined;
    },
  };
}

function readBackendOptions(options: EmbeddedDevOptions, log: (line: string) => void): EmbeddedBackendOptions {
  const env = process.env;
  const dataDir = resolve(options.dataDir ?? join(env['LHR_DATA_DIR'] || '.data', 'dev'));
  return {
    kinesisPort: options.kinesisPort ?? readPort(env, 'KINESIS_PORT', ANY_FREE_PORT),
    streamName: env['STREAM_NAME'] || 'liveheartrate',
    region: env['REGION'] || 'us-east-1',
    dataDir,
    // On disk, as with `npm start`: what the stream accepted survives a restart of the dev server.
    kinesisStorePath: join(dataDir, 'stream'),
    archiveFormat: readArchiveFormat(env),
    log,
  };
}


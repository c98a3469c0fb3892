import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { RuntimeConfig } from '../../src/core/runtime-config.ts';
import { processKinesisBatch } from '../../functions/consumer/process-batch.ts';
import { createLiveApi } from '../../functions/live-api/live-api.ts';
import type { Logger } from '../../functions/lib/logger.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../functions/store/sqlite-store.ts';
import { openCheckpointFile } from './checkpoints.ts';
import { createNodeKinesisClient } from './kinesis-client.ts';
import { startKinesisEmulator } from './kinesis-emulator.ts';
import { createFunctionUrlRoute } from './lambda-url-adapter.ts';
import { localContentSecurityPolicy } from '../cdk/web/security-headers.ts';
import { startAppServer, type AppRoute } from './static-server.ts';
import { DEFAULT_POLL_INTERVAL_MS, startStreamRunner, type StreamRunnerStats } from './stream-runner.ts';

export interface LocalStackOptions {
  /** 0 picks a free port (tests). */
  appPort: number;
  /** 0 picks a free port (tests). */
  kinesisPort: number;
  streamName: string;
  region: string;
  /** The built PWA (vite build output). */
  distDir: string;
  /** Where the stack keeps its files; created if missing. */
  dataDir: string;
  /** Keep the stream on disk across restarts; in memory when absent (see KinesisEmulatorOptions.storePath). */
  kinesisStorePath?: string;
  routes?: readonly AppRoute[];
  /**
   * The Kinesis endpoint written into config.json, when something sits between the app and the emulator
   * (e.g. a test's fault-injecting proxy); the emulator's own endpoint when absent.
   */
  publicKinesisEndpoint?: string;
  /** The stream runner's pause between polls of an idle shard, ms: the floor of live latency. Default 50. */
  pollIntervalMs?: number;
  /** Records per consumer call (Lambda's batch size). Default 500. */
  batchSize?: number;
  /**
   * Receives one line per component as it comes up, then only lines about trouble (dropped records,
   * consumer retries).
   */
  log?: (line: string) => void;
}

export interface LocalStack {
  appUrl: string;
  /** The live API's base URL, on the app server. */
  apiUrl: string;
  kinesisEndpoint: string;
  config: RuntimeConfig;
  /** The embedded live store the consumer writes and the live API reads (waitForReadings for long-polls). */
  liveStore: SqliteLiveStore;
  /** What the consumer's stream runner has done so far (polls, batches, records, failures). */
  consumerStats(): StreamRunnerStats;
  /** Stops every component, last started first; rejects only after trying them all. */
  stop(): Promise<void>;
}

export type LocalComponent = 'stream' | 'store' | 'consumer' | 'api' | 'app';

/** Says which component failed to start; `cause` holds the original error (e.g. a PortInUseError). */
export class LocalStackStartError extends Error {
  constructor(
    readonly component: LocalComponent,
    override readonly cause: unknown,
  ) {
    super(`${component}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'LocalStackStartError';
  }
}

const LABEL_WIDTH = 9;

export function formatComponentLine(component: LocalComponent, text: string): string {
  return `${component.padEnd(LABEL_WIDTH)}${text}`;
}

/** The runtime config that points the PWA at this machine's emulator and API. */
export function createEmbeddedConfig(region: string, streamName: string, kinesisEndpoint: string): RuntimeConfig {
  return { mode: 'embedded', region, kinesis: { streamName, endpoint: kinesisEndpoint }, apiUrl: '/api' };
}

/**
 * Starts the embedded default (docs/architecture.md, "Two ways to run") on loopback, in dependency order: the stream,
 * the live store (a SQLite file in the data folder), the consumer (the Lambda handler fed by a local stream
 * runner), the live API (the Lambda handler mounted at /api/ on the app server) and the app. Stopping goes in
 * reverse, so nothing is left writing into a closed store. If a component fails, the ones already started
 * are stopped before rejecting.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const stoppers: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const stopOne of stoppers.splice(0).reverse()) {
      await stopOne().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some local components failed to stop');
  };

  async function startComponent<T extends { stop(): Promise<void> }>(component: LocalComponent, start: () => Promise<T>): Promise<T> {
    try {
      const started = await start();
      stoppers.push(() => started.stop());
      return started;
    } catch (error) {
      await stop().catch(() => {});
      throw new LocalStackStartError(component, error);
    }
  }

  await mkdir(options.dataDir, { recursive: true });
  const emulator = await startComponent('stream', () =>
    startKinesisEmulator({ port: options.kinesisPort, streamName: options.streamName, storePath: options.kinesisStorePath }),
  );
  log(formatComponentLine('stream', `kinesalite on ${emulator.endpoint} (stream ${options.streamName})`));

  const storePath = join(options.dataDir, 'live.db');
  const store = await startComponent('store', async () => {
    const opened = openSqliteStore(storePath);
    return { store: opened, stop: () => opened.close() };
  });
  const liveStore = store.store;
  log(formatComponentLine('store', `SQLite ${storePath} (${liveStore.countAllReadings()} readings)`));

  const consumerLog = createLineLogger('consumer', log);
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const consumer = await startComponent('consumer', async () => {
    const client = createNodeKinesisClient(emulator.endpoint, options.region);
    try {
      const runner = await startStreamRunner({
        client,
        streamName: options.streamName,
        region: options.region,
        checkpoints: openCheckpointFile(join(options.dataDir, 'stream-checkpoints.json')),
        pollIntervalMs,
        batchSize: options.batchSize,
        handler: (event) => processKinesisBatch(event, { store: liveStore, now: Date.now, log: consumerLog }),
        log: (line) => log(formatComponentLine('consumer', line)),
      });
      return { runner, stop: () => runner.stop().finally(() => client.destroy()) };
    } catch (error) {
      client.destroy();
      throw error;
    }
  });
  const resumed = consumer.runner.shards.some((shard) => shard.from === 'checkpoint');
  const shardCount = consumer.runner.shards.length;
  log(
    formatComponentLine(
      'consumer',
      `stream runner → Lambda handler, ${shardCount} shard${shardCount === 1 ? '' : 's'} polled every ${pollIntervalMs} ms, ` +
        (resumed ? 'resumed from checkpoint' : 'from the oldest record'),
    ),
  );

  const liveApiRoute = createFunctionUrlRoute('/api/', createLiveApi({ store: liveStore, now: Date.now, log: createLineLogger('api', log) }));
  const config = createEmbeddedConfig(options.region, options.streamName, options.publicKinesisEndpoint ?? emulator.endpoint);
  const app = await startComponent('app', () =>
    startAppServer({
      port: options.appPort,
      distDir: options.distDir,
      config,
      routes: [liveApiRoute, ...(options.routes ?? [])],
      // The policy CloudFront sends in AWS, with this machine's stream endpoint: local runs meet the same rules.
      contentSecurityPolicy: localContentSecurityPolicy([config.kinesis.endpoint ?? emulator.endpoint]),
    }),
  );
  const apiUrl = `${app.url}/api`;
  log(formatComponentLine('api', `Lambda handler on ${apiUrl}/sessions/{viewId}[/readings]`));
  log(formatComponentLine('app', `${app.url}  ← open this`));

  return { appUrl: app.url, apiUrl, kinesisEndpoint: emulator.endpoint, config, liveStore, consumerStats: () => consumer.runner.stats(), stop };
}

/** The handlers' structured logs as one component line each. */
function createLineLogger(component: LocalComponent, log: (line: string) => void): Logger {
  const write = (message: string, fields?: Record<string, unknown>): void =>
    log(formatComponentLine(component, fields === undefined ? message : `${message} ${JSON.stringify(fields)}`));
  return { info: write, error: write };
}

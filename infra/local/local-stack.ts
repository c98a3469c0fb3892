import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { LanConfig, RuntimeConfig } from '../../src/core/runtime-config.ts';
import { SESSION_RETENTION } from '../../src/core/session-retention.ts';
import { foldAlertClock } from '../../functions/alert-clock/fold-alert-clock.ts';
import { createLogAlertOutlet } from '../../functions/alerts/log-alert-outlet.ts';
import { processKinesisBatch } from '../../functions/consumer/process-batch.ts';
import { deleteInactiveSessions } from '../../functions/retention/delete-inactive-sessions.ts';
import { createLiveApi } from '../../functions/live-api/live-api.ts';
import type { Logger } from '../../functions/lib/logger.ts';
import { openSqliteStore, type SqliteLiveStore } from '../../functions/store/sqlite-store.ts';
import { ARCHIVE_DEFAULTS, startArchiveCopier, type ArchiveCopierOptions, type ArchiveStats } from './archive-copier.ts';
import type { ArchiveFormat } from './archive-files.ts';
import { openCheckpointFile } from './checkpoints.ts';
import { createNodeKinesisClient } from './kinesis-client.ts';
import { startKinesisEmulator } from './kinesis-emulator.ts';
import { createEventStreamRoute, EVENT_STREAM_PATH, type EventStreamRoute } from './event-stream-route.ts';
import { createKinesisProxyRoute, KINESIS_PROXY_PATH } from './kinesis-proxy.ts';
import { createFunctionUrlRoute } from './lambda-url-adapter.ts';
import { createLivePushHub } from './live-push-hub.ts';
import { localContentSecurityPolicy } from '../cdk/web/security-headers.ts';
import { createAppHandler, startAppServer, type AppContent, type AppRoute } from './static-server.ts';
import { readLanAddress } from './lan/lan-addresses.ts';
import { prepareLanCertificates, type LanCertificates } from './lan/lan-certificates.ts';
import { startLanHttpsServers, startSetupServers } from './lan/lan-servers.ts';
import { createSetupHandler } from './lan/setup-handler.ts';
import { DEFAULT_POLL_INTERVAL_MS, startStreamRunner, type StreamRunner, type StreamRunnerStats } from './stream-runner.ts';

/** Everything of the embedded stack but the web server: what `npm run dev` runs beside Vite's dev server. */
export interface EmbeddedBackendOptions {
  /** 0 picks a free port (tests). */
  kinesisPort: number;
  streamName: string;
  region: string;
  /** Where the stack keeps its files; created if missing. */
  dataDir: string;
  /** Keep the stream on disk across restarts; in memory when absent (see KinesisEmulatorOptions.storePath). */
  kinesisStorePath?: string;
  /**
   * Where the stream proxy on the app's origin sends the browser's writes, when something sits between it and
   * the emulator (e.g. a test's fault-injecting proxy); the emulator's own endpoint when absent.
   */
  kinesisProxyUpstream?: string;
  /** The stream runner's pause between polls of an idle shard, ms: the floor of live latency. Default 50. */
  pollIntervalMs?: number;
  /** Records per consumer call (Lambda's batch size). Default 500. */
  batchSize?: number;
  /** How often the alert clock fires "no data", ms. Default ALERT_CLOCK_INTERVAL_MS. */
  alertClockIntervalMs?: number;
  /** The clock the alert clock reads (tests move time on); Date.now by default. */
  now?: () => number;
  /** How the archive copier writes <dataDir>/archive: Parquet (default) or newline JSON. */
  archiveFormat?: ArchiveFormat;
  /** The archive copier's buffering and polling (tests make them small); ARCHIVE_DEFAULTS otherwise. */
  archiveTuning?: Pick<ArchiveCopierOptions, 'maxBytes' | 'maxAgeMs' | 'pollIntervalMs'>;
  /**
   * Receives one line per component as it comes up, then only lines about trouble (dropped records,
   * consumer retries).
   */
  log?: (line: string) => void;
  /** The LAN mode's host name: the stream proxy accepts it as the page's origin on the LAN server's port. */
  lanHostName?: string;
}

export interface LocalStackOptions extends EmbeddedBackendOptions {
  /** 0 picks a free port (tests). */
  appPort: number;
  /** The built PWA (vite build output). */
  distDir: string;
  /** Test-only routes on the loopback app server; never on the LAN server. */
  routes?: readonly AppRoute[];
  /** The opt-in LAN mode (`npm start -- --lan`): HTTPS on the machine's LAN addresses besides loopback. */
  lan?: LanOptions;
}

/** The LAN mode (docs/configuration.md, "LAN mode"); off when LocalStackOptions.lan is absent. */
export interface LanOptions {
  /** Addresses to serve on besides loopback: the machine's private LAN addresses (start.ts), 127.0.0.x in tests. Never 0.0.0.0. */
  addresses: readonly string[];
  /** The HTTPS server's port; 0 picks a free one. */
  httpsPort: number;
  /** The plain-HTTP setup page's port (CA download and steps); 0 picks a free one. */
  setupPort: number;
  /** A local host name put in the server certificate beside the addresses, e.g. "<hostname>.local". */
  hostName?: string;
  /** PEM files supplied by the person instead of the generated CA + server certificate. */
  certificate?: { certPath: string; keyPath: string };
}

/** What the LAN mode serves on, and what a phone needs to trust it. */
export interface LocalStackLan {
  /** https://<first address>:<port> */
  appUrl: string;
  /** http://<first address>:<setupPort>/ */
  setupUrl: string;
  /** The generated CA's certificate file; absent with a person's own certificate. */
  caCertPath?: string;
  /** base64 SHA-256 of the CA's SubjectPublicKeyInfo (Chromium's --ignore-certificate-errors-spki-list); generated CA only. */
  caSpkiSha256?: string;
  /** The CA certificate's SHA-256 fingerprint, colon hex, to compare on the phone; generated CA only. */
  caFingerprint256?: string;
  certificateSource: 'generated' | 'user';
}

export interface EmbeddedBackend {
  /** The emulator's own endpoint, for Node clients (the stream runner, tests); browsers use kinesisRoute. */
  kinesisEndpoint: string;
  config: RuntimeConfig;
  /** The embedded live store the consumer writes and the live API reads (waitForReadings for long-polls). */
  liveStore: SqliteLiveStore;
  /** What the consumer's stream runner has done so far (polls, batches, records, failures). */
  consumerStats(): StreamRunnerStats;
  /** What the archive copier has written so far (records, lines archived and failed, files). */
  archiveStats(): ArchiveStats;
  /** The live API (the Lambda handler behind a function URL), to mount under /api/ on a web server. */
  apiRoute: AppRoute;
  /** The event stream (pushed events), to mount at /api/events ahead of apiRoute; ended when the backend stops. */
  eventsRoute: EventStreamRoute;
  /** The browser's only way to the stream (PutRecord/PutRecords on this stream), to mount at /kinesis. */
  kinesisRoute: AppRoute;
  /** Stops every component, last started first; rejects only after trying them all. */
  stop(): Promise<void>;
}

export interface LocalStack extends Omit<EmbeddedBackend, 'apiRoute' | 'kinesisRoute' | 'eventsRoute'> {
  appUrl: string;
  /** The live API's base URL, on the app server. */
  apiUrl: string;
  /** Ends the event streams open now, as a dropped connection would (tests); new ones may open. */
  endEventStreams(): void;
  /** Present only in the LAN mode. */
  lan?: LocalStackLan;
}

export type LocalComponent = 'stream' | 'store' | 'consumer' | 'archive' | 'api' | 'app' | 'lan' | 'setup';

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

// A "no data" alert of N s fires within N s plus this (and the clock's own run); EventBridge's finest schedule in
// AWS is a minute (infra/cdk/defaults.ts alertClock).
export const ALERT_CLOCK_INTERVAL_MS = 1000;

export function formatComponentLine(component: LocalComponent, text: string): string {
  return `${component.padEnd(LABEL_WIDTH)}${text}`;
}

/**
 * The runtime config that points the PWA at this machine's stream and API, both on the app's own origin: the
 * stream through the proxy at /kinesis (kinesis-proxy.ts), never the emulator's own port.
 */
export function createEmbeddedConfig(region: string, streamName: string): RuntimeConfig {
  return { mode: 'embedded', region, kinesis: { streamName, endpoint: KINESIS_PROXY_PATH }, apiUrl: '/api', push: { kind: 'sse', url: EVENT_STREAM_PATH } };
}

/**
 * Starts the embedded default (docs/architecture.md, "Two ways to run") on loopback: the backend (below) and the
 * app server, which serves the built PWA, its config.json, the live API at /api/ and the stream proxy at /kinesis.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const log = options.log ?? (() => {});
  const components = new Components();
  // Already named after its own failing component, and stopped, if it fails.
  const backend = components.adopt(await startEmbeddedBackend({ ...options, lanHostName: options.lan?.hostName }));
  const { kinesisEndpoint } = backend;
  let config = backend.config;
  const content: AppContent = {
    distDir: options.distDir,
    config: () => config,
    // The event stream first: its path is under the live API's prefix.
    routes: [backend.eventsRoute, backend.apiRoute, backend.kinesisRoute],
    // The policy CloudFront sends in AWS, but the stream is on the app's own origin here: connect-src 'self'.
    contentSecurityPolicy: localContentSecurityPolicy([]),
  };
  const lan = options.lan === undefined ? undefined : await startLanMode(components, options.lan, options.dataDir, content);
  if (lan !== undefined) config = { ...config, lan: lan.config };
  const app = await components.start('app', () =>
    startAppServer({ ...content, routes: [...(content.routes ?? []), ...(options.routes ?? [])], port: options.appPort, config }),
  );
  // Stopped before the app server, which otherwise waits out its grace period for the open streams.
  components.adopt({ stop: async () => backend.eventsRoute.stop() });
  const apiUrl = `${app.url}/api`;
  log(formatComponentLine('api', `Lambda handler on ${apiUrl}/sessions/{viewId}[/readings]`));
  log(formatComponentLine('app', `${app.url}  ← open this`));
  for (const line of lan?.lines ?? []) log(line);

  return {
    appUrl: app.url,
    apiUrl,
    kinesisEndpoint,
    config,
    ...(lan === undefined ? {} : { lan: lan.info }),
    liveStore: backend.liveStore,
    consumerStats: () => backend.consumerStats(),
    archiveStats: () => backend.archiveStats(),
    endEventStreams: () => backend.eventsRoute.stop(),
    stop: () => components.stopAll(),
  };
}

/**
 * The LAN mode's part (docs/architecture.md, "LAN mode"): its certificates, the HTTPS server on each LAN address
 * serving only what a phone needs (the app, config.json, the live API, the event stream and the stream proxy;
 * not the test-only routes) and the setup page. Nothing of the backend itself listens beyond loopback.
 */
async function startLanMode(
  components: Components,
  options: LanOptions,
  dataDir: string,
  content: AppContent,
): Promise<{ config: LanConfig; info: LocalStackLan; lines: string[] }> {
  const https = await components.start('lan', async () => {
    // Checked here too, so no caller can bind a wildcard or a public address.
    const addresses = options.addresses.map(readLanAddress);
    if (addresses.length === 0) throw new Error('no LAN address given');
    const names = { addresses, hostName: options.hostName };
    const prepared = await prepareLanCertificates({ dataDir, machineName: hostname(), names, userCertificate: options.certificate });
    const listeners = await startLanHttpsServers(addresses, options.httpsPort, prepared, createAppHandler(content));
    return { ...listeners, addresses, prepared };
  });
  const { addresses, prepared } = https;
  const setup = await components.start('setup', () =>
    startSetupServers(addresses, options.setupPort, createSetupHandler({ httpsPort: https.port, caCertPem: prepared.ca?.certPem })),
  );
  const first = addresses[0];
  const appUrl = `https://${first}:${https.port}`;
  const setupUrl = `http://${first}:${setup.port}/`;
  const info: LocalStackLan = {
    appUrl,
    setupUrl,
    certificateSource: prepared.source,
    ...(prepared.ca === undefined ? {} : { caCertPath: prepared.ca.path, caSpkiSha256: prepared.ca.spkiSha256, caFingerprint256: prepared.ca.fingerprint256 }),
  };
  return { config: { shareOrigin: appUrl, setupUrl }, info, lines: describeLan(info, addresses, prepared) };
}

function describeLan(info: LocalStackLan, addresses: readonly string[], prepared: LanCertificates): string[] {
  const others = addresses.slice(1).map((address) => `https://${address}:${new URL(info.appUrl).port}`);
  const certificate =
    prepared.ca === undefined
      ? 'your own certificate (--cert)'
      : `local CA ${prepared.ca.path}${prepared.ca.created ? ' (new: trust it on each device)' : ''}, SHA-256 ${prepared.ca.fingerprint256}`;
  return [
    formatComponentLine('lan', `${info.appUrl}  ← open on your phone${others.length > 0 ? ` (also ${others.join(', ')})` : ''}`),
    formatComponentLine('lan', certificate),
    ...prepared.warnings.map((warning) => formatComponentLine('lan', `warning: ${warning}`)),
    formatComponentLine('setup', `${info.setupUrl}  ← on a new device first: the CA certificate and how to trust it`),
  ];
}

/**
 * The stack's backend in dependency order: the stream, the live store (a SQLite file in the data folder), the
 * consumer (the Lambda handler fed by a local stream runner), the archive copier (the batch layer: Firehose's part,
 * with the archive transform) and the live API handler, for a web server to mount. Stopping goes in reverse, so nothing is left writing into a closed store. If a component fails, the
 * ones already started are stopped before rejecting.
 */
export async function startEmbeddedBackend(options: EmbeddedBackendOptions): Promise<EmbeddedBackend> {
  const log = options.log ?? (() => {});
  const components = new Components();

  await mkdir(options.dataDir, { recursive: true });
  const emulator = await components.start('stream', () =>
    startKinesisEmulator({ port: options.kinesisPort, streamName: options.streamName, storePath: options.kinesisStorePath }),
  );
  log(formatComponentLine('stream', `kinesalite on ${emulator.endpoint} (stream ${options.streamName})`));

  const storePath = join(options.dataDir, 'live.db');
  const store = await components.start('store', async () => {
    const opened = openSqliteStore(storePath);
    return { store: opened, stop: () => opened.close() };
  });
  const liveStore = store.store;
  log(formatComponentLine('store', `SQLite ${storePath} (${liveStore.countAllReadings()} readings)`));
  // Stopped before the store (last started, first stopped), so no deletion runs into a closed file.
  components.adopt(startSessionRetention(liveStore, createLineLogger('store', log)));
  // The clock infers silence from the store, so it never looks past what the consumer has caught up with:
  // readings still waiting in the stream (a consumer behind) are not a silence.
  let caughtUpTo: () => number | null = () => null;
  components.adopt(
    startAlertClock(liveStore, options.now ?? Date.now, () => caughtUpTo(), options.alertClockIntervalMs ?? ALERT_CLOCK_INTERVAL_MS, createLineLogger('store', log)),
  );

  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const consumer = await components.start('consumer', () => startConsumer(options, emulator.endpoint, liveStore, pollIntervalMs));
  caughtUpTo = () => consumer.runner.caughtUpTo();
  const resumed = consumer.runner.shards.some((shard) => shard.from === 'checkpoint');
  const shardCount = consumer.runner.shards.length;
  log(
    formatComponentLine(
      'consumer',
      `stream runner → Lambda handler, ${shardCount} shard${shardCount === 1 ? '' : 's'} polled every ${pollIntervalMs} ms, ` +
        (resumed ? 'resumed from checkpoint' : 'from the oldest record'),
    ),
  );

  // Last started, so first stopped: its last files are written and its checkpoint saved before the stream stops.
  const archive = await components.start('archive', () => startArchive(options, emulator.endpoint));
  log(formatComponentLine('archive', describeArchive(options)));

  // Pushed events: stopped first, so no stream reads a closed store.
  const hub = createLivePushHub({ store: liveStore, now: Date.now, log: (line) => log(formatComponentLine('api', line)) });
  const eventsRoute = createEventStreamRoute({ hub });
  components.adopt({
    stop: async () => {
      eventsRoute.stop();
      hub.close();
    },
  });

  return {
    kinesisEndpoint: emulator.endpoint,
    config: createEmbeddedConfig(options.region, options.streamName),
    liveStore,
    consumerStats: () => consumer.runner.stats(),
    archiveStats: () => archive.stats(),
    eventsRoute,
    apiRoute: createFunctionUrlRoute('/api/', createLiveApi({ store: liveStore, now: Date.now, log: createLineLogger('api', log) })),
    // The write limit for all clients together is Kinesis's per shard, times the shards the runner found.
    kinesisRoute: createKinesisProxyRoute({
      streamName: options.streamName,
      upstream: options.kinesisProxyUpstream ?? emulator.endpoint,
      shardCount,
      lanHostName: options.lanHostName,
    }),
    stop: () => components.stopAll(),
  };
}

/**
 * The sessions' retention as the EventBridge schedule runs it in AWS: the same handler, at start (a machine that
 * was off for a week catches up at once) and then every SESSION_RETENTION.everyMinutes. A failed run is logged and
 * the next one tries again.
 */
function startSessionRetention(store: SqliteLiveStore, log: Logger): { stop(): Promise<void> } {
  let running: Promise<unknown> = Promise.resolve();
  const run = (): void => {
    running = deleteInactiveSessions({ store, now: Date.now, retentionDays: SESSION_RETENTION.days, log }).catch((error: unknown) =>
      log.error('sessions retention failed', { error: error instanceof Error ? error.name : typeof error }),
    );
  };
  run();
  const timer = setInterval(run, SESSION_RETENTION.everyMinutes * 60_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/**
 * The alert clock as the EventBridge schedule runs it in AWS: the same handler, every `everyMs` (a run never
 * overlaps the previous one), folding time only up to where the stream runner has caught up (no run before
 * its first empty read). A failed run is logged and the next one tries again.
 */
function startAlertClock(
  store: SqliteLiveStore,
  now: () => number,
  caughtUpTo: () => number | null,
  everyMs: number,
  log: Logger,
): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const run = (): void => {
    if (running !== null) return;
    const upTo = caughtUpTo();
    if (upTo === null) return;
    running = foldAlertClock({ store, now: () => Math.min(now(), upTo), log, alerts: createLogAlertOutlet(log) })
      .catch((error: unknown) => log.error('alert clock failed', { error: error instanceof Error ? error.name : typeof error }))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(run, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}

/** The consumer Lambda handler, fed by a stream runner with its own Kinesis client. */
async function startConsumer(
  options: EmbeddedBackendOptions,
  endpoint: string,
  liveStore: SqliteLiveStore,
  pollIntervalMs: number,
): Promise<{ runner: StreamRunner; stop(): Promise<void> }> {
  const log = options.log ?? (() => {});
  const consumerLog = createLineLogger('consumer', log);
  const client = createNodeKinesisClient(endpoint, options.region);
  try {
    const runner = await startStreamRunner({
      client,
      streamName: options.streamName,
      region: options.region,
      checkpoints: openCheckpointFile(join(options.dataDir, 'stream-checkpoints.json')),
      pollIntervalMs,
      batchSize: options.batchSize,
      // No SNS locally: the outlet logs one line per stored event (the SQLite alert_events table is the alerts index).
      handler: (event) => processKinesisBatch(event, { store: liveStore, now: Date.now, log: consumerLog, alerts: createLogAlertOutlet(consumerLog) }),
      log: (line) => log(formatComponentLine('consumer', line)),
      now: options.now,
    });
    return { runner, stop: () => runner.stop().finally(() => client.destroy()) };
  } catch (error) {
    client.destroy();
    throw error;
  }
}

/** The archive copier with its own Kinesis client; transform counts are not logged, only trouble. */
async function startArchive(options: EmbeddedBackendOptions, endpoint: string): Promise<{ stats(): ArchiveStats; stop(): Promise<void> }> {
  const client = createNodeKinesisClient(endpoint, options.region);
  const log = options.log ?? (() => {});
  try {
    const copier = await startArchiveCopier({
      client,
      streamName: options.streamName,
      region: options.region,
      dataDir: options.dataDir,
      format: options.archiveFormat,
      ...options.archiveTuning,
      log: { info: () => {}, error: (line) => log(formatComponentLine('archive', line)) },
    });
    return { stats: () => copier.stats(), stop: () => copier.stop().finally(() => client.destroy()) };
  } catch (error) {
    client.destroy();
    throw error;
  }
}

function describeArchive(options: EmbeddedBackendOptions): string {
  const format = options.archiveFormat ?? ARCHIVE_DEFAULTS.format;
  const maxAgeMs = options.archiveTuning?.maxAgeMs ?? ARCHIVE_DEFAULTS.maxAgeMs;
  const maxBytes = options.archiveTuning?.maxBytes ?? ARCHIVE_DEFAULTS.maxBytes;
  const size = maxBytes % 2 ** 20 === 0 ? `${maxBytes / 2 ** 20} MiB` : `${maxBytes} bytes`;
  const age = maxAgeMs % 1000 === 0 ? `${maxAgeMs / 1000} s` : `${maxAgeMs} ms`;
  return `stream runner → archive transform → ${join(options.dataDir, 'archive')} (${format}), flushed every ${age} or ${size}`;
}

/** Started components, stopped last-started first; a start failure stops the rest and names the component. */
class Components {
  private readonly stoppers: Array<() => Promise<void>> = [];

  async start<T extends { stop(): Promise<void> }>(component: LocalComponent, start: () => Promise<T>): Promise<T> {
    try {
      return this.adopt(await start());
    } catch (error) {
      await this.stopAll().catch(() => {});
      throw new LocalStackStartError(component, error);
    }
  }

  /** Takes one that is already running. */
  adopt<T extends { stop(): Promise<void> }>(started: T): T {
    this.stoppers.push(() => started.stop());
    return started;
  }

  /** Rejects only after trying them all. */
  async stopAll(): Promise<void> {
    const errors: unknown[] = [];
    for (const stopOne of this.stoppers.splice(0).reverse()) {
      await stopOne().catch((error: unknown) => errors.push(error));
    }
    if (errors.length > 0) throw new AggregateError(errors, 'some local components failed to stop');
  }
}

/** The handlers' structured logs as one component line each. */
function createLineLogger(component: LocalComponent, log: (line: string) => void): Logger {
  const write = (message: string, fields?: Record<string, unknown>): void =>
    log(formatComponentLine(component, fields === undefined ? message : `${message} ${JSON.stringify(fields)}`));
  return { info: write, error: write };
}

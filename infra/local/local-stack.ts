import { mkdir } from 'node:fs/promises';
import type { RuntimeConfig } from '../../src/lib/runtime-config.ts';
import { startKinesisEmulator } from './kinesis-emulator.ts';
import { startAppServer, type AppRoute } from './static-server.ts';

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
  /** Receives one line per component as it comes up. */
  log?: (line: string) => void;
}

export interface LocalStack {
  appUrl: string;
  kinesisEndpoint: string;
  config: RuntimeConfig;
  /** Stops every component, last started first; rejects only after trying them all. */
  stop(): Promise<void>;
}

export type LocalComponent = 'stream' | 'app';

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
 * Starts the embedded default (DESIGN.md, "Two ways to run") on loopback: the stream first, since the app's
 * config points at it. If a component fails, the ones already started are stopped before rejecting.
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

  const config = createEmbeddedConfig(options.region, options.streamName, options.publicKinesisEndpoint ?? emulator.endpoint);
  const app = await startComponent('app', () =>
    startAppServer({ port: options.appPort, distDir: options.distDir, config, routes: options.routes ?? [] }),
  );
  log(formatComponentLine('app', `${app.url}  ← open this`));

  return { appUrl: app.url, kinesisEndpoint: emulator.endpoint, config, stop };
}

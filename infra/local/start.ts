// `npm start`: the embedded default on this machine. A thin CLI around startLocalStack: env in, one line per
// component out, everything stopped on SIGINT/SIGTERM.
import { hostname, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import qrcode from 'qrcode';
import { LocalStackStartError, startLocalStack, type LanOptions, type LocalComponent, type LocalStack } from './local-stack.ts';
import { readArchiveFormat } from './archive-format-env.ts';
import type { ArchiveFormat } from './archive-files.ts';
import { readPort } from './env-port.ts';
import { chooseLanAddresses } from './lan/lan-addresses.ts';
import { lanHostName } from './lan/lan-host-name.ts';
import { parseStartFlags } from './lan/start-flags.ts';
import { PortInUseError } from './server-lifecycle.ts';

const PORT_VARIABLES: Partial<Record<LocalComponent, string>> = { stream: 'KINESIS_PORT', app: 'PORT', lan: 'LAN_PORT', setup: 'LAN_SETUP_PORT' };

function describeStartFailure(error: unknown): string {
  const portVariable = error instanceof LocalStackStartError ? PORT_VARIABLES[error.component] : undefined;
  if (error instanceof LocalStackStartError && error.cause instanceof PortInUseError && portVariable !== undefined) {
    return `${error.message} (set ${portVariable} to use another port)`;
  }
  return error instanceof Error ? error.message : String(error);
}

function fail(message: string): never {
  console.error(`error    ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  // The SDK warns that its releases from 2027 will need Node 22. The project pins exact SDK versions, so the
  // warning does not apply to this install and would only bury the component lines.
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
  const env = process.env;
  let appPort: number;
  let kinesisPort: number;
  let archiveFormat: ArchiveFormat;
  let lan: LanOptions | undefined;
  try {
    appPort = readPort(env, 'PORT', 8080);
    kinesisPort = readPort(env, 'KINESIS_PORT', 4567);
    archiveFormat = readArchiveFormat(env);
    lan = readLanOptions(process.argv.slice(2), env);
  } catch (error) {
    fail((error as Error).message);
  }

  const dataDir = resolve(env.LHR_DATA_DIR || '.data');
  // Started before the signal handlers are installed, so a signal during start-up still stops what started.
  const starting: Promise<LocalStack | undefined> = startLocalStack({
    appPort,
    kinesisPort,
    streamName: env.STREAM_NAME || 'liveheartrate',
    region: env.REGION || 'us-east-1',
    // Relative to where `npm start` runs, like vite's own dist/.
    distDir: resolve('dist'),
    dataDir,
    // On disk: a reading the stream acknowledged to a phone (which then dropped it from its outbox) but the
    // consumer had not read yet when the stack stopped is read after the restart, not lost.
    kinesisStorePath: join(dataDir, 'stream'),
    archiveFormat,
    lan,
    log: (line) => console.log(line),
  }).catch((error: unknown) => fail(describeStartFailure(error)));

  const shutdown = async (): Promise<void> => {
    const stack = await starting;
    try {
      await stack?.stop();
    } catch (error) {
      fail(`stopping: ${error instanceof Error ? error.message : String(error)}`);
    }
    console.log('stopped');
    process.exit(0);
  };
  // `once`: a second Ctrl-C falls back to Node's default and kills the process if stopping hangs.
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());
  const stack = await starting;
  // A phone's camera opens the setup page: the CA and the steps first, then the app.
  if (stack?.lan !== undefined) console.log(await qrcode.toString(stack.lan.setupUrl, { type: 'terminal', small: true }));
}

/** The LAN mode from the command line and env (docs/configuration.md, "LAN mode"); undefined when it is off. */
function readLanOptions(argv: readonly string[], env: NodeJS.ProcessEnv): LanOptions | undefined {
  const flags = parseStartFlags(argv);
  if (!flags.lan) return undefined;
  const httpsPort = readPort(env, 'LAN_PORT', 8443);
  const setupPort = readPort(env, 'LAN_SETUP_PORT', 8081);
  const hostName = lanHostName(hostname());
  return {
    addresses: chooseLanAddresses(flags.address, networkInterfaces()),
    httpsPort,
    setupPort,
    ...(hostName === undefined ? {} : { hostName }),
    ...(flags.certificate === undefined ? {} : { certificate: { certPath: resolve(flags.certificate.certPath), keyPath: resolve(flags.certificate.keyPath) } }),
  };
}

await main();

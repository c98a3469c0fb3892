import { Server, type IncomingMessage, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { CreateStreamCommand, ResourceInUseException, waitUntilStreamExists } from '@aws-sdk/client-kinesis';
import { createNodeKinesisClient } from './kinesis-client.ts';
import { closeServer, listenOn, type LoopbackHost } from './server-lifecycle.ts';

export interface KinesisEmulatorOptions {
  host?: LoopbackHost;
  /** 0 picks a free port. */
  port: number;
  streamName: string;
  shardCount?: number;
  /** How long the emulator keeps a new stream in CREATING; 0 by default because nothing local needs the wait. */
  createStreamMs?: number;
  /**
   * Where to keep the stream. Absent (the default): in memory, so a restart starts from an empty stream —
   * records not yet consumed at stop are gone and sequence numbers from an earlier run mean nothing, so a
   * consumer must not resume from a checkpoint saved by a previous run. A directory keeps stream and records
   * across restarts in LevelDB; that needs kinesalite's optional native `leveldown` (no darwin-arm64
   * prebuild) and one process per directory.
   */
  storePath?: string;
  /**
   * With a storePath: answer a put only once its LevelDB write is on the disk (fsync), so an acknowledged
   * record survives a power cut, not only a crash of this process. Default true; false trades that for speed
   * (figures in BENCHMARKS.md, "Kinesis emulator: synchronous writes"). Ignored in memory.
   */
  syncWrites?: boolean;
}

export interface KinesisEmulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

interface KinesaliteOptions {
  path?: string;
  createStreamMs?: number;
  shardLimit?: number;
}

type Callback = (error?: Error) => void;
type WriteOptions = Record<string, unknown>;

interface LevelDown {
  open(callback: Callback): void;
  close(callback: Callback): void;
  // The abstract-leveldown hooks every put, delete and array batch of kinesalite ends in.
  _put(key: unknown, value: unknown, options: WriteOptions, callback: Callback): void;
  _del(key: unknown, options: WriteOptions, callback: Callback): void;
  _batch(operations: unknown[], options: WriteOptions, callback: Callback): void;
}

type CreateLevelDown = (path: string) => LevelDown;

// kinesalite is CommonJS without types; its factory returns a plain node:http server that is not listening yet.
const requireFromHere = createRequire(import.meta.url);
const createKinesalite = requireFromHere('kinesalite') as (options: KinesaliteOptions) => Server;
// kinesalite's own leveldown (it requires it when it opens a store), not whichever another package might bring.
const requireFromKinesalite = createRequire(requireFromHere.resolve('kinesalite'));

const KINESALITE_SHARD_LIMIT = 10;
const ACTIVE_TIMEOUT_MS = 10_000;

/** Runs kinesalite in this process on loopback and returns once the stream is ACTIVE. */
export async function startKinesisEmulator(options: KinesisEmulatorOptions): Promise<KinesisEmulator> {
  const host = options.host ?? '127.0.0.1';
  const shardCount = options.shardCount ?? 1;
  const createStreamMs = options.createStreamMs ?? 0;
  const kinesaliteOptions: KinesaliteOptions = {
    createStreamMs,
    shardLimit: Math.max(KINESALITE_SHARD_LIMIT, shardCount),
  };
  if (options.storePath !== undefined) {
    await probeStore(options.storePath);
    kinesaliteOptions.path = options.storePath;
  }
  const server =
    options.storePath !== undefined && (options.syncWrites ?? true)
      ? withSyncLevelDown(() => createKinesalite(kinesaliteOptions))
      : createKinesalite(kinesaliteOptions);
  guardAgainstClientAborts(server);
  refuseBrowsers(server);
  const closeStore = takeStoreClose(server);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    // HTTP first, so that no request in flight finds the store closed (kinesalite throws on store errors).
    stopping ??= closeServer(server).then(closeStore);
    return stopping;
  };

  const port = await listenOn(server, host, options.port).catch(async (error: unknown) => {
    await closeStore();
    throw error;
  });
  const endpoint = `http://${host}:${port}`;
  try {
    await createActiveStream(endpoint, options.streamName, shardCount, createStreamMs + ACTIVE_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, port, stop };
}

/**
 * kinesalite opens its LevelDB store without a callback, so a store it cannot open (held by another process)
 * becomes an uncaught 'error' event that would crash this process. Opening it once here first turns that into
 * a rejection; the store is closed again before kinesalite opens it.
 */
async function probeStore(path: string): Promise<void> {
  const store = (requireFromKinesalite('leveldown') as CreateLevelDown)(path);
  await new Promise<void>((resolve, reject) => {
    store.open((error) => (error ? reject(new Error(`cannot open kinesis store ${path}: ${error.message}`)) : resolve()));
  });
  await new Promise<void>((resolve, reject) => store.close((error) => (error ? reject(error) : resolve())));
}

/**
 * kinesalite answers a put once LevelDB has taken the write, which is before the operating system has put it on
 * the disk: a crash of this process loses nothing, a power cut can lose the last acknowledged records. It has no
 * option for LevelDB's `sync`, and it creates its leveldown inside its factory, so while `create` runs (it is
 * synchronous) kinesalite's `require('leveldown')` returns a factory whose stores add `sync: true` to every
 * write. The module is restored before anything else can require it.
 */
function withSyncLevelDown(create: () => Server): Server {
  const original = requireFromKinesalite('leveldown') as CreateLevelDown;
  const cached = requireFromKinesalite.cache[requireFromKinesalite.resolve('leveldown')];
  if (cached === undefined) throw new Error('leveldown is not in the module cache');
  cached.exports = (path: string) => syncEveryWrite(original(path));
  try {
    return create();
  } finally {
    cached.exports = original;
  }
}

function syncEveryWrite(store: LevelDown): LevelDown {
  const put = store._put.bind(store);
  const del = store._del.bind(store);
  const batch = store._batch.bind(store);
  store._put = (key, value, options, callback) => put(key, value, { ...options, sync: true }, callback);
  store._del = (key, options, callback) => del(key, { ...options, sync: true }, callback);
  store._batch = (operations, options, callback) => batch(operations, { ...options, sync: true }, callback);
  return store;
}

/**
 * kinesalite rethrows request stream errors, so one client that disconnects mid-body (a closed tab during an
 * upload) would crash the whole local stack running in this process. Answer such errors by dropping the request.
 */
function guardAgainstClientAborts(server: Server): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    for (const handle of handlers) handle(req, res);
    req.removeAllListeners('error');
    req.on('error', () => res.destroy());
  });
}

/**
 * kinesalite answers every origin with `Access-Control-Allow-Origin: *` and passes every preflight, so any web
 * page could read the stream (every write key) or delete it. Browsers reach the stream only through the app
 * server's proxy (kinesis-proxy.ts), which does not pass Origin on; a request that carries one comes from a
 * browser (they send it with every cross-origin request and every POST) and is refused here, before kinesalite
 * sees it, with no CORS headers: the page can neither read the answer nor pass a preflight. Node clients (the
 * stream runner, the proxy, tests) send no Origin and are served as before.
 */
function refuseBrowsers(server: Server): void {
  const handlers = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.origin === undefined) {
      for (const handle of handlers) handle(req, res);
      return;
    }
    req.on('error', () => res.destroy());
    req.resume();
    const body = JSON.stringify({ __type: 'AccessDeniedException', message: 'browsers write to the stream through the app server, not here' });
    res.writeHead(403, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
}

/**
 * kinesalite replaces server.close with one that closes its store before the HTTP side; restore the plain
 * close so the caller controls the order, and return the store close.
 */
function takeStoreClose(server: Server): () => Promise<void> {
  const closeStoreThenServer = server.close.bind(server);
  Reflect.deleteProperty(server, 'close');
  return () =>
    new Promise((resolve, reject) => {
      closeStoreThenServer((error?: Error) => {
        // The HTTP side is closed by then (or never listened), so "not running" is the expected outcome.
        if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
        else resolve();
      });
    });
}

async function createActiveStream(endpoint: string, streamName: string, shardCount: number, timeoutMs: number): Promise<void> {
  // The region only has to be a valid one: kinesalite ignores it.
  const client = createNodeKinesisClient(endpoint, 'us-east-1');
  try {
    try {
      await client.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    } catch (error) {
      // A persistent store already holds the stream from an earlier run.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    // The SDK's waiter polls DescribeStream until ACTIVE. Its Kinesis defaults (10 s to 2 min between checks)
    // suit AWS; kinesalite activates a stream within its createStreamMs, so check every 20 ms to 1 s instead.
    await waitUntilStreamExists({ client, minDelay: 0.02, maxDelay: 1, maxWaitTime: timeoutMs / 1000 }, { StreamName: streamName });
  } finally {
    client.destroy();
  }
}

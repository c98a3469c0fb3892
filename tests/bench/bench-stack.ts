// The embedded stack for a benchmark: on free loopback ports, in a temporary folder, serving the built app or, for
// benchmarks that need none, a placeholder page; the folder removed again when the stack stops.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/local-stack.ts';

export interface BenchStackOptions extends Pick<LocalStackOptions, 'pollIntervalMs' | 'log'> {
  streamName: string;
  /** The stream on disk (LevelDB) as `npm start` keeps it, or in memory as the tests do. */
  streamOnDisk: boolean;
  /** The built app (`dist`) for benchmarks that drive it in Chromium; a placeholder page when absent. */
  distDir?: string;
}

export interface BenchStack {
  stack: LocalStack;
  /** Stops the stack, then removes its folder. */
  stop(): Promise<void>;
}

export async function startBenchStack(name: string, options: BenchStackOptions): Promise<BenchStack> {
  const root = await mkdtemp(join(tmpdir(), `lhr-bench-${name}-`));
  const remove = (): Promise<void> => rm(root, { recursive: true, force: true });
  try {
    if (options.distDir === undefined) await writeFile(join(root, 'index.html'), '<!doctype html>');
    const stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: options.streamName,
      region: 'us-east-1',
      distDir: options.distDir ?? root,
      dataDir: join(root, 'data'),
      kinesisStorePath: options.streamOnDisk ? join(root, 'data', 'stream') : undefined,
      pollIntervalMs: options.pollIntervalMs,
      log: options.log,
    });
    return { stack, stop: () => stack.stop().finally(remove) };
  } catch (error) {
    await remove();
    throw error;
  }
}

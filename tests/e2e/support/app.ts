/**
 * Fixtures for end-to-end tests of the built app (dist/, from `vite build`) on the embedded local stack:
 * `import { test, expect } from './support/app.ts'`, then use `stack`, `page` and `sensor`.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as sensorTest } from './browser.ts';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../../infra/local/local-stack.ts';

export { expect, hideWebBluetooth, EmulatedHeartRateSensor } from './browser.ts';

const DIST = 'dist';

export interface AppFixtures {
  /** A whole embedded stack (stream + app server) on ephemeral loopback ports, one per worker. */
  stack: LocalStack;
}

export const test = sensorTest.extend<object, AppFixtures>({
  stack: [
    async ({}, use) => {
      await withBuiltAppStack('lhr-e2e-', {}, use);
    },
    { scope: 'worker', timeout: 30_000 },
  ],
});

/**
 * Runs `use` with a whole embedded stack over the built app in a temporary data folder, on ephemeral loopback
 * ports (plus `extra`, e.g. LAN mode), then stops it and removes the folder.
 */
export async function withBuiltAppStack(prefix: string, extra: Partial<LocalStackOptions>, use: (stack: LocalStack) => Promise<void>): Promise<void> {
  if (!existsSync(join(DIST, 'index.html'))) {
    throw new Error('No built app in dist/: run "npm run build" first (npm run test:e2e does).');
  }
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const stack = await startLocalStack({ appPort: 0, kinesisPort: 0, streamName: 'liveheartrate', region: 'us-east-1', distDir: DIST, dataDir, ...extra });
  try {
    await use(stack);
  } finally {
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

import { defineConfig } from 'vitest/config';

// The infra suite synthesizes the CDK app (esbuild bundling, cdk-nag): its own config, so the unit suite
// stays fast and this one can be run alone (`vitest run -c tests/infra/vitest.config.ts`).
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/infra/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

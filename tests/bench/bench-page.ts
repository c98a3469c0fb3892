/** A bench page (a folder with index.html and main.ts built from the app's modules) served and open in headless Chromium. */
import { chromium, type Page } from '@playwright/test';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { build } from 'vite';
import { join, resolve } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { chromiumPath, launchArgs } from '../e2e/support/browser.ts';
import { startAppServer } from '../../infra/local/static-server.ts';
import { createEmbeddedConfig } from '../../infra/local/local-stack.ts';

/** Builds `root`, serves it, opens it at `viewport`, runs `measure` on the page, and cleans everything up. */
export async function withBenchPage<T>(root: string, viewport: { width: number; height: number }, measure: (page: Page) => Promise<T>): Promise<T> {
  const outDir = await mkdtemp(join(tmpdir(), 'lhr-bench-page-'));
  await build({
    root: resolve(root),
    configFile: false,
    logLevel: 'silent',
    plugins: [svelte()],
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  });
  const server = await startAppServer({ port: 0, distDir: outDir, config: createEmbeddedConfig('us-east-1', 'none') });
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...launchArgs] });
  try {
    const page = await browser.newPage({ viewport });
    await page.goto(`${server.url}/index.html`);
    return await measure(page);
  } finally {
    await browser.close();
    await server.stop();
    await rm(outDir, { recursive: true, force: true });
  }
}

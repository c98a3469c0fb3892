// Browser modules bundled with esbuild into one script a test harness page loads (a global named `globalName`), so a
// module can run in real Chromium without the app around it.
import { build, type BuildOptions } from 'esbuild';

export async function bundleForPage(source: Pick<BuildOptions, 'entryPoints' | 'stdin'>, globalName: string): Promise<string> {
  const result = await build({ ...source, bundle: true, format: 'iife', globalName, write: false, target: 'es2022' });
  return result.outputFiles[0]?.text ?? '';
}

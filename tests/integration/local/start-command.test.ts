import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { canBind, killRunning, occupyPort, runStart } from './start-process.ts';

function portIn(line: string | undefined, pattern: RegExp): number {
  return Number(pattern.exec(line ?? '')?.[1]);
}

describe('npm start entry (infra/local/start.ts)', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'lhr-start-'));
    await mkdir(join(cwd, 'dist'));
    await writeFile(join(cwd, 'dist', 'index.html'), '<!doctype html><title>built</title>');
  });

  afterEach(() => killRunning());

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('prints one line per component, serves the app, and frees its ports on SIGINT', async () => {
    const run = runStart(cwd, { PORT: '0', KINESIS_PORT: '0', LHR_DATA_DIR: 'my-data', STREAM_NAME: 'cli-stream' });
    await expect.poll(() => run.stdout.length, { message: 'six start lines', timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    const [streamLine, storeLine, consumerLine, archiveLine, apiLine, appLine] = run.stdout;
    expect(streamLine).toMatch(/^stream {3}kinesalite on http:\/\/127\.0\.0\.1:\d+ \(stream cli-stream\)$/);
    expect(storeLine).toBe(`store    SQLite ${join(cwd, 'my-data', 'live.db')} (0 readings)`);
    expect(consumerLine).toMatch(/^consumer stream runner → Lambda handler, 1 shard polled every 50 ms, from the oldest record$/);
    expect(archiveLine).toBe(`archive  stream runner → archive transform → ${join(cwd, 'my-data', 'archive')} (parquet), flushed every 60 s or 1 MiB`);
    expect(apiLine).toMatch(/^api {6}Lambda handler on http:\/\/127\.0\.0\.1:\d+\/api\/sessions\/\{viewId\}\[\/readings\]$/);
    expect(appLine).toMatch(/^app {6}http:\/\/127\.0\.0\.1:\d+ {2}← open this$/);
    const streamPort = portIn(streamLine, /:(\d+) \(stream/);
    const appPort = portIn(appLine, /:(\d+) /);

    const config = (await (await fetch(`http://127.0.0.1:${appPort}/config.json`)).json()) as { kinesis: { endpoint: string } };
    // The browser's stream is the proxy on the app's origin, never the emulator's port.
    expect(config.kinesis.endpoint).toBe('/kinesis');
    expect(await (await fetch(`http://127.0.0.1:${appPort}/`)).text()).toContain('built');
    expect((await stat(join(cwd, 'my-data'))).isDirectory()).toBe(true);

    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout.at(-1)).toBe('stopped');
    expect(await canBind(streamPort)).toBe(true);
    expect(await canBind(appPort)).toBe(true);
  });

  it('stops on SIGTERM too', async () => {
    const run = runStart(cwd, { PORT: '0', KINESIS_PORT: '0' });
    await expect.poll(() => run.stdout.length, { message: 'six start lines', timeout: 15_000 }).toBeGreaterThanOrEqual(6);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('exits non-zero with one clear line when the stream port is taken', async () => {
    const { server, port } = await occupyPort();
    try {
      const run = runStart(cwd, { PORT: '0', KINESIS_PORT: String(port) });
      expect(await run.exited).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(run.stderr.filter((line) => line.startsWith('error'))).toEqual([
        `error    stream: 127.0.0.1:${port} is already in use (set KINESIS_PORT to use another port)`,
      ]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('stops the stream it already started when the app port is taken', async () => {
    const { server, port } = await occupyPort();
    try {
      const run = runStart(cwd, { PORT: String(port), KINESIS_PORT: '0' });
      expect(await run.exited).toBe(1);
      expect(run.stderr.filter((line) => line.startsWith('error'))).toEqual([
        `error    app: 127.0.0.1:${port} is already in use (set PORT to use another port)`,
      ]);
      const streamPort = portIn(run.stdout[0], /:(\d+) \(stream/);
      expect(streamPort).toBeGreaterThan(0);
      expect(await canBind(streamPort)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('explains a missing build', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'lhr-nobuild-'));
    try {
      const run = runStart(empty, { PORT: '0', KINESIS_PORT: '0' });
      expect(await run.exited).toBe(1);
      expect(run.stderr.filter((line) => line.startsWith('error'))).toEqual([
        `error    app: ${join(empty, 'dist', 'index.html')} not found: build the app first (npm run build)`,
      ]);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });

  it('rejects a malformed port', async () => {
    const run = runStart(cwd, { PORT: 'eighty', KINESIS_PORT: '0' });
    expect(await run.exited).toBe(1);
    expect(run.stderr.filter((line) => line.startsWith('error'))).toEqual(['error    PORT must be a port number, got "eighty"']);
  });

  it('writes the archive as newline JSON when LHR_ARCHIVE_FORMAT says so, and rejects an unknown format', async () => {
    const json = runStart(cwd, { PORT: '0', KINESIS_PORT: '0', LHR_ARCHIVE_FORMAT: 'json' });
    await expect.poll(() => json.stdout.find((line) => line.startsWith('archive')), { timeout: 15_000 }).toMatch(/\(json\), flushed every 60 s or 1 MiB$/);
    json.child.kill('SIGINT');
    expect(await json.exited).toBe(0);

    const unknown = runStart(cwd, { PORT: '0', KINESIS_PORT: '0', LHR_ARCHIVE_FORMAT: 'csv' });
    expect(await unknown.exited).toBe(1);
    expect(unknown.stderr.filter((line) => line.startsWith('error'))).toEqual(['error    LHR_ARCHIVE_FORMAT must be parquet or json, got "csv"']);
  });
});

// `npm start`'s entry (infra/local/start.ts) run as the process a person starts, for the tests of its command line.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

const START_SCRIPT = fileURLToPath(new URL('../../../infra/local/start.ts', import.meta.url));
// One node process with tsx's loader, rather than the tsx CLI (which runs a second process), so the pid we
// signal is the stack itself.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface Run {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

/** Kills what a test left running (afterEach). */
export function killRunning(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** `npm start`'s entry as a child process in `cwd`, with `args` after the script (e.g. --lan). */
export function runStart(cwd: string, env: Record<string, string>, args: readonly string[] = []): Run {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, START_SCRIPT, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => stdout.push(...chunk.split('\n').filter(Boolean)));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => stderr.push(...chunk.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout, stderr, exited };
}

export async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function occupyPort(host = '127.0.0.1'): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : 0 };
}

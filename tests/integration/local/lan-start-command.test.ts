import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listeningSockets } from './listening-sockets.ts';
import { killRunning, occupyPort, runStart, type Run } from './start-process.ts';

const FREE_PORTS = { PORT: '0', KINESIS_PORT: '0', LAN_PORT: '0', LAN_SETUP_PORT: '0' };

function portIn(run: Run, component: string): number {
  return Number(/:(\d+)/.exec(run.stdout.find((line) => line.startsWith(`${component} `)) ?? '')?.[1]);
}

function errorLines(run: Run): string[] {
  return run.stderr.filter((line) => line.startsWith('error'));
}

describe('npm start and the LAN mode: what listens where', () => {
  let cwd: string;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'lhr-lan-start-'));
    await mkdir(join(cwd, 'dist'));
    await writeFile(join(cwd, 'dist', 'index.html'), '<!doctype html><title>built</title>');
  });

  afterEach(() => killRunning());

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('without --lan listens on 127.0.0.1 only', async () => {
    // Prepare
    const run = runStart(cwd, { ...FREE_PORTS, LHR_DATA_DIR: 'plain' });
    await expect.poll(() => run.stdout.some((line) => line.startsWith('app ')), { timeout: 15_000 }).toBe(true);

    // Act
    const listeners = await listeningSockets(run.child.pid ?? 0);

    // Assess: the app and the stream are among them (so the listing can see them), and nothing is beyond loopback.
    expect(listeners.map((listener) => listener.port)).toEqual(expect.arrayContaining([portIn(run, 'app'), portIn(run, 'stream')]));
    expect(new Set(listeners.map((listener) => listener.address))).toEqual(new Set(['127.0.0.1']));
    expect(run.stdout.some((line) => /^(lan|setup) /.test(line))).toBe(false);
  });

  it('with --lan --lan-address 127.0.0.2 adds exactly the HTTPS and setup servers on that address, and prints a QR code', async () => {
    // Prepare
    const run = runStart(cwd, { ...FREE_PORTS, LHR_DATA_DIR: 'lan' }, ['--lan', '--lan-address', '127.0.0.2']);
    await expect.poll(() => run.stdout.filter((line) => line.includes('▄')).length, { timeout: 20_000 }).toBeGreaterThan(5);

    // Act
    const listeners = await listeningSockets(run.child.pid ?? 0);

    // Assess
    const lanPort = portIn(run, 'lan');
    const setupPort = portIn(run, 'setup');
    expect(run.stdout).toContain(`lan      https://127.0.0.2:${lanPort}  ← open on your phone`);
    expect(run.stdout).toContain(`setup    http://127.0.0.2:${setupPort}/  ← on a new device first: the CA certificate and how to trust it`);
    expect(run.stdout.find((line) => line.startsWith('lan      local CA '))).toMatch(/SHA-256 ([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(new Set(listeners.map((listener) => listener.address))).toEqual(new Set(['127.0.0.1', '127.0.0.2']));
    expect(listeners.filter((listener) => listener.address === '127.0.0.2').map((listener) => listener.port).sort()).toEqual([lanPort, setupPort].sort());
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
  });

  it('says clearly what is wrong with the flags or the address, before starting anything', async () => {
    const cases: Array<[string[], string]> = [
      [['--lna'], 'error    unknown option "--lna" (known options: --lan, --lan-address <ip>, --cert <file> --key <file>)'],
      [['--lan', '--lan-address', '0.0.0.0'], 'error    --lan-address must be a private IPv4 address (10.x, 172.16–31.x, 192.168.x, or 127.x), got "0.0.0.0"'],
      [['--lan', '--cert', 'a.pem'], 'error    --cert and --key go together: the certificate (PEM, with its chain) and its private key'],
    ];
    for (const [args, line] of cases) {
      const run = runStart(cwd, FREE_PORTS, args);
      expect(await run.exited, args.join(' ')).toBe(1);
      expect(run.stdout).toEqual([]);
      expect(errorLines(run)).toEqual([line]);
    }
  });

  it('names the variable to change when a LAN port is taken', async () => {
    const { server, port } = await occupyPort('127.0.0.2');
    try {
      const https = runStart(cwd, { ...FREE_PORTS, LHR_DATA_DIR: 'busy', LAN_PORT: String(port) }, ['--lan', '--lan-address', '127.0.0.2']);
      const setup = runStart(cwd, { ...FREE_PORTS, LHR_DATA_DIR: 'busy2', LAN_SETUP_PORT: String(port) }, ['--lan', '--lan-address', '127.0.0.2']);
      expect(await https.exited).toBe(1);
      expect(await setup.exited).toBe(1);
      expect(errorLines(https)).toEqual([`error    lan: 127.0.0.2:${port} is already in use (set LAN_PORT to use another port)`]);
      expect(errorLines(setup)).toEqual([`error    setup: 127.0.0.2:${port} is already in use (set LAN_SETUP_PORT to use another port)`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says when the address asked for is not one of this machine', async () => {
    // 10.255.255.254: private, so the flag takes it, but on no interface of a test machine.
    const run = runStart(cwd, { ...FREE_PORTS, LHR_DATA_DIR: 'elsewhere' }, ['--lan', '--lan-address', '10.255.255.254']);
    expect(await run.exited).toBe(1);
    expect(errorLines(run)).toEqual(['error    lan: 10.255.255.254 is not an address of this machine: pass --lan-address with one that is']);
  });

  it('names the file when a supplied certificate cannot be read', async () => {
    const run = runStart(cwd, FREE_PORTS, ['--lan', '--lan-address', '127.0.0.2', '--cert', 'missing.pem', '--key', 'missing.key']);
    expect(await run.exited).toBe(1);
    expect(errorLines(run)).toEqual([`error    lan: cannot read the certificate file ${join(cwd, 'missing.pem')}: ENOENT`]);
  });
});

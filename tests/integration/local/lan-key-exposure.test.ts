// The CA's private key (and the server's) must never leave the machine through any server of the stack. The
// stack's usual layout is used: the data folder (.data, holding lan/) right beside the served dist/.
import { createPrivateKey } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../../infra/local/local-stack.ts';
import { tlsRequest } from './lan-client.ts';
import { rawRequest, type RawResponse } from './raw-request.ts';

const LAN_ADDRESS = '127.0.0.2';
const KEY_FILES = ['liveheartrate-local-ca.PRIVATE-KEY.pem', 'server.PRIVATE-KEY.pem'];

/** A key's secret parts (d, p, q: the modulus is public, in the certificates), as bytes and as PEM's base64 has them. */
interface KeyForms {
  secrets: Buffer[];
  base64Chunks: string[];
}

describe('the LAN mode never serves a private key', () => {
  let root: string;
  let stack: LocalStack;
  let keys: KeyForms[];
  let distFiles: string[];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-lan-keys-'));
    const dist = join(root, 'dist');
    await mkdir(join(dist, 'assets'), { recursive: true });
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>built</title>');
    await writeFile(join(dist, 'sw.js'), 'self.addEventListener("fetch", () => {});');
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1);');
    stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: 'keys-test',
      region: 'us-east-1',
      distDir: dist,
      dataDir: join(root, '.data'),
      lan: { addresses: [LAN_ADDRESS], httpsPort: 0, setupPort: 0, hostName: 'keys-test.local' },
    });
    keys = await Promise.all(KEY_FILES.map((file) => readKeyForms(join(root, '.data', 'lan', file))));
    distFiles = (await readdir(dist, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).map((entry) => `/${relative(dist, join(entry.parentPath, entry.name))}`);
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('answers no path on any server with a key, as PEM, DER or base64, whole or in part', async () => {
    // Prepare
    const paths = [...distFiles, ...everyOtherPath()];
    const caPem = await readFile(stack.lan?.caCertPath ?? '', 'utf8');
    const lanPort = Number(new URL(stack.lan?.appUrl ?? '').port);
    const setupPort = Number(new URL(stack.lan?.setupUrl ?? '').port);
    const loopbackPort = Number(new URL(stack.appUrl).port);
    const servers: Array<[string, (path: string, method: string) => Promise<RawResponse>]> = [
      ['loopback', (path, method) => rawRequest(loopbackPort, path, { method })],
      ['lan', (path, method) => tlsRequest({ host: LAN_ADDRESS, port: lanPort, ca: caPem }, path, { method })],
      ['setup', (path, method) => rawRequest(setupPort, path, { method, host: LAN_ADDRESS })],
    ];

    // Act
    const answers: Array<{ where: string; answer: RawResponse }> = [];
    for (const [server, send] of servers) {
      for (const path of paths) {
        for (const method of ['GET', 'POST']) answers.push({ where: `${server} ${method} ${path}`, answer: await send(path, method) });
      }
    }

    // Assess: the listing reached real content (so a broken request could not pass), and no answer holds a key.
    expect(answers.filter(({ answer }) => answer.status === 200).length).toBeGreaterThan(distFiles.length * 2);
    for (const { where, answer } of answers) {
      for (const key of keys) expect(holdsKey(answer, key), where).toBe(false);
    }
  });
});

async function readKeyForms(path: string): Promise<KeyForms> {
  const key = createPrivateKey(await readFile(path, 'utf8'));
  const der = key.export({ type: 'pkcs8', format: 'der' });
  const jwk = key.export({ format: 'jwk' });
  const secrets = [jwk.d, jwk.p, jwk.q].map((value) => Buffer.from(value ?? '', 'base64url'));
  // 33 bytes of the DER from a multiple of 3 are 44 characters of the PEM's base64, wherever its lines break.
  const base64Chunks = secrets.flatMap((secret) => {
    const start = der.indexOf(secret);
    const chunks: string[] = [];
    for (let offset = Math.ceil(start / 3) * 3; offset + 33 <= start + secret.length; offset += 33) chunks.push(der.subarray(offset, offset + 33).toString('base64'));
    return chunks;
  });
  return { secrets, base64Chunks };
}

/** Any 32 bytes of a secret part, any 44 characters of the key's base64 over one (whitespace removed), or a PEM label. */
function holdsKey(answer: RawResponse, key: KeyForms): boolean {
  const text = answer.body.replace(/\s+/g, '');
  for (const secret of key.secrets) {
    for (let offset = 0; offset + 32 <= secret.length; offset += 32) {
      if (answer.raw.includes(secret.subarray(offset, offset + 32))) return true;
    }
  }
  return key.base64Chunks.some((chunk) => text.includes(chunk)) || answer.body.includes('PRIVATE KEY');
}

/** config.json, the API, the setup paths, and the key files under every prefix and every way of climbing out. */
function everyOtherPath(): string[] {
  const fixed = ['/', '/config.json', '/v/AAAAAAAAAAAAAAAAAAAAAA', '/api/sessions/AAAAAAAAAAAAAAAAAAAAAA', '/api/sessions/AAAAAAAAAAAAAAAAAAAAAA/readings', '/api/events', '/kinesis', '/liveheartrate-local-ca.crt', '/server.crt'];
  const prefixes = ['/', '/lan/', '/.data/lan/', '/../.data/lan/', '/../../.data/lan/', '/%2e%2e/.data/lan/', '/..%2f.data%2flan%2f', '/%2e%2e%2f.data%2flan%2f', '/assets/../../.data/lan/', '/api/', '/api/../.data/lan/', '/kinesis/', '//', '/.%2e/.data/lan/'];
  const files = [...KEY_FILES, ...KEY_FILES.map((file) => file.replaceAll('.', '%2e'))];
  return [...fixed, ...prefixes.flatMap((prefix) => files.map((file) => `${prefix}${file}`))];
}

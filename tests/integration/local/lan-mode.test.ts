import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetRecordsCommand, GetShardIteratorCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';
import { createNodeKinesisClient } from '../../../infra/local/kinesis-client.ts';
import { prepareLanCertificates } from '../../../infra/local/lan/lan-certificates.ts';
import { startLocalStack, type LocalStack, type LocalStackLan } from '../../../infra/local/local-stack.ts';
import { handshake, tlsRequest, type TlsTarget } from './lan-client.ts';
import { rawRequest } from './raw-request.ts';

const LAN_ADDRESS = '127.0.0.2';
const HOST_NAME = 'lhr-test.local';

describe('LAN mode of the local stack', () => {
  let root: string;
  let stack: LocalStack;
  let lan: LocalStackLan;
  let caPem: string;
  let lanPort: number;
  let setupPort: number;
  const lines: string[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-lan-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>built</title>');
    stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: 'lan-test',
      region: 'eu-west-1',
      distDir: root,
      dataDir: join(root, 'data'),
      lan: { addresses: [LAN_ADDRESS], httpsPort: 0, setupPort: 0, hostName: HOST_NAME },
      log: (line) => lines.push(line),
    });
    if (stack.lan === undefined) throw new Error('the stack started without its LAN part');
    lan = stack.lan;
    caPem = await readFile(lan.caCertPath ?? '', 'utf8');
    lanPort = Number(new URL(lan.appUrl).port);
    setupPort = Number(new URL(lan.setupUrl).port);
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  const target = (extra: Partial<TlsTarget> = {}): TlsTarget => ({ host: LAN_ADDRESS, port: lanPort, ca: caPem, ...extra });

  it('says where it serves, with the generated CA', () => {
    expect(lan).toEqual({
      appUrl: `https://${LAN_ADDRESS}:${lanPort}`,
      setupUrl: `http://${LAN_ADDRESS}:${setupPort}/`,
      caCertPath: join(root, 'data', 'lan', 'liveheartrate-local-ca.crt'),
      caSpkiSha256: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
      caFingerprint256: new X509Certificate(caPem).fingerprint256,
      certificateSource: 'generated',
    });
    expect(lines.filter((line) => /^(lan|setup) /.test(line))).toEqual([
      `lan      ${lan.appUrl}  ← open on your phone`,
      `lan      local CA ${lan.caCertPath} (new: trust it on each device), SHA-256 ${lan.caFingerprint256}`,
      `setup    ${lan.setupUrl}  ← on a new device first: the CA certificate and how to trust it`,
    ]);
  });

  it('keeps the private keys readable by this user only', async () => {
    for (const file of ['liveheartrate-local-ca.PRIVATE-KEY.pem', 'server.PRIVATE-KEY.pem']) {
      expect((await stat(join(root, 'data', 'lan', file))).mode & 0o777).toBe(0o600);
    }
  });

  it('serves HTTPS with a chain the CA verifies, for the address and the host name, and fails without the CA', async () => {
    // Act
    const trusted = await handshake(target());
    const byName = await handshake(target({ servername: HOST_NAME }));
    const untrusted = await handshake(target({ ca: undefined }));

    // Assess
    expect(trusted).toMatchObject({ authorized: true, protocol: 'TLSv1.3' });
    expect(byName.authorized).toBe(true);
    expect(untrusted.authorized).toBe(false);
    expect(untrusted.error).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT/);
    // The server sends the CA after the leaf, so a verifier that pins the CA's key finds it in the chain.
    expect(trusted.peer.issuerCertificate.fingerprint256).toBe(lan.caFingerprint256);
  });

  it('serves the app and a config.json that names the LAN origin, on the LAN and on loopback', async () => {
    const page = await tlsRequest(target(), '/');
    const lanConfig = JSON.parse((await tlsRequest(target(), '/config.json')).body) as RuntimeConfig;
    const loopbackConfig = (await (await fetch(`${stack.appUrl}/config.json`)).json()) as RuntimeConfig;

    expect(page.status).toBe(200);
    expect(page.body).toContain('built');
    expect(page.headers['content-security-policy']).toContain("connect-src 'self'");
    expect(lanConfig.lan).toEqual({ shareOrigin: lan.appUrl, setupUrl: lan.setupUrl });
    expect(loopbackConfig).toEqual(lanConfig);
    expect(stack.config.lan).toEqual(lanConfig.lan);
  });

  it('serves the live API over HTTPS', async () => {
    const answer = await tlsRequest(target(), '/api/sessions/AAAAAAAAAAAAAAAAAAAAAA');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ viewId: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'unknown' });
  });

  it('has a setup page with the steps, the fingerprint and the links, and the CA certificate to download', async () => {
    const page = await rawRequest(setupPort, '/', { host: LAN_ADDRESS });
    const download = await rawRequest(setupPort, '/liveheartrate-local-ca.crt', { host: LAN_ADDRESS });

    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(page.body).toContain(lan.caFingerprint256);
    expect(page.body).toContain(`href="${lan.appUrl}/"`);
    expect(page.body).toContain('href="/liveheartrate-local-ca.crt"');
    expect(page.body).toMatch(/Android/);
    expect(page.body).toMatch(/Install a certificate/);
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/x-x509-ca-cert');
    expect(new X509Certificate(download.raw).fingerprint256).toBe(lan.caFingerprint256);
  });

  it('answers nothing else on the setup server', async () => {
    for (const path of ['/config.json', '/index.html', '/api/sessions/x', '/kinesis', '/liveheartrate-local-ca.PRIVATE-KEY.pem', '/server.crt', '/../lan/server.crt']) {
      expect((await rawRequest(setupPort, path, { host: LAN_ADDRESS })).status, path).toBe(404);
    }
    expect((await rawRequest(setupPort, '/', { host: LAN_ADDRESS, method: 'POST' })).status).toBe(405);
  });

  it('lets the page on the LAN origin, by address or host name, write through the stream proxy, and no other origin', async () => {
    // Prepare
    const preflight = (origin: string): Promise<number> =>
      tlsRequest(target(), '/kinesis', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } }).then((answer) => answer.status);

    // Act
    const allowed = [await preflight(`https://${LAN_ADDRESS}:${lanPort}`), await preflight(`https://${HOST_NAME}:${lanPort}`)];
    const refused = [
      await preflight(`http://${LAN_ADDRESS}:${lanPort}`),
      await preflight(`https://127.0.0.1:${lanPort}`),
      await preflight(`http://127.0.0.1:${lanPort}`),
      await preflight(`https://${LAN_ADDRESS}:${lanPort + 1}`),
      await preflight('https://example.com'),
    ];
    await putThroughLan(`https://${LAN_ADDRESS}:${lanPort}`, '{"v":1,"bpm":64}\n');

    // Assess
    expect(allowed).toEqual([204, 204]);
    expect(refused).toEqual([403, 403, 403, 403, 403]);
    // The loopback server still takes only its loopback origins.
    expect((await fetch(`${stack.appUrl}/kinesis`, { method: 'OPTIONS', headers: { origin: lan.appUrl } })).status).toBe(403);
    expect(await readStream()).toEqual(['{"v":1,"bpm":64}\n']);
  });

  async function putThroughLan(origin: string, data: string): Promise<void> {
    const client = new KinesisClient({
      endpoint: `${lan.appUrl}/kinesis`,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: new NodeHttpHandler({ httpsAgent: new Agent({ ca: caPem }) }),
    });
    // What the browser adds to the page's request.
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['origin'] = origin;
        return next(args);
      },
      { step: 'finalizeRequest' },
    );
    try {
      await client.send(new PutRecordsCommand({ StreamName: 'lan-test', Records: [{ Data: Buffer.from(data), PartitionKey: 'view' }] }));
    } finally {
      client.destroy();
    }
  }

  async function readStream(): Promise<string[]> {
    const direct = createNodeKinesisClient(stack.kinesisEndpoint, 'eu-west-1');
    try {
      const { ShardIterator } = await direct.send(new GetShardIteratorCommand({ StreamName: 'lan-test', ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' }));
      const { Records = [] } = await direct.send(new GetRecordsCommand({ ShardIterator }));
      return Records.map((record) => Buffer.from(record.Data ?? new Uint8Array()).toString());
    } finally {
      direct.destroy();
    }
  }
});

describe('LAN mode with a certificate the person supplies', () => {
  let root: string;
  let stack: LocalStack;
  let issuerPem: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'lhr-lan-user-'));
    await writeFile(join(root, 'index.html'), '<!doctype html><title>built</title>');
    // Their own CA's certificate for the address: here, another data folder's generated one.
    const elsewhere = join(root, 'elsewhere');
    const issued = await prepareLanCertificates({ dataDir: elsewhere, machineName: 'their-ca', names: { addresses: [LAN_ADDRESS] } });
    issuerPem = issued.ca?.certPem ?? '';
    stack = await startLocalStack({
      appPort: 0,
      kinesisPort: 0,
      streamName: 'lan-user-test',
      region: 'eu-west-1',
      distDir: root,
      dataDir: join(root, 'data'),
      lan: {
        addresses: [LAN_ADDRESS],
        httpsPort: 0,
        setupPort: 0,
        certificate: { certPath: join(elsewhere, 'lan', 'server.crt'), keyPath: join(elsewhere, 'lan', 'server.PRIVATE-KEY.pem') },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await rm(root, { recursive: true, force: true });
  });

  it('serves that certificate, makes no CA, and its setup page says there is none to download', async () => {
    // Prepare
    const lan = stack.lan;
    if (lan === undefined) throw new Error('no LAN part');
    const port = Number(new URL(lan.appUrl).port);
    const setupPort = Number(new URL(lan.setupUrl).port);

    // Act
    const tls = await handshake({ host: LAN_ADDRESS, port, ca: issuerPem });
    const page = await rawRequest(setupPort, '/', { host: LAN_ADDRESS });
    const download = await rawRequest(setupPort, '/liveheartrate-local-ca.crt', { host: LAN_ADDRESS });

    // Assess
    expect(lan).toEqual({ appUrl: expect.stringMatching(/^https:\/\/127\.0\.0\.2:\d+$/), setupUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.2:\d+\/$/), certificateSource: 'user' });
    expect(tls.authorized).toBe(true);
    expect(page.body).toContain('there is no local CA to download here');
    expect(page.body).toContain(`href="${lan.appUrl}/"`);
    expect(download.status).toBe(404);
    await expect(stat(join(root, 'data', 'lan'))).rejects.toThrow(/ENOENT/);
  });
});

import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer } from 'node:tls';
import forge from 'node-forge';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LanCertificateError } from '../../../infra/local/lan/lan-certificate-error.ts';
import { prepareLanCertificates } from '../../../infra/local/lan/lan-certificates.ts';
import { lanFiles } from '../../../infra/local/lan/lan-files.ts';
import { loadOrCreateLocalCa } from '../../../infra/local/lan/local-ca.ts';
import { generateRsaKey } from '../../../infra/local/lan/rsa-key.ts';
import { signCertificate } from '../../../infra/local/lan/sign-certificate.ts';

const NOW = new Date('2026-12-01T00:00:00Z');
const DAY_MS = 86_400_000;
const NAMES = { addresses: ['192.168.1.20', '10.0.0.5'], hostName: 'laptop.local' };
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';

/** The chain served over TLS on loopback and verified by OpenSSL (node:tls) against `caPem` alone, as a client does. */
async function verifyOverTls(chainPem: string, keyPem: string, caPem: string, servername: string): Promise<string | undefined> {
  const server = createServer({ cert: chainPem, key: keyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: caPem, servername, rejectUnauthorized: false }, () => {
        resolve(socket.authorizationError?.toString());
        socket.destroy();
      });
      socket.once('error', reject);
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('LAN certificates', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lhr-lan-certs-'));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const prepare = (now = NOW, names = NAMES) => prepareLanCertificates({ dataDir, machineName: 'laptop', names }, now);

  it('makes a CA that can only sign certificates, for ten years, constrained to private names', async () => {
    // Act
    const { ca } = await prepare();
    const x509 = new X509Certificate(ca?.certPem ?? '');
    const forgeCa = forge.pki.certificateFromPem(ca?.certPem ?? '');

    // Assess
    expect(x509.subject).toBe('CN=liveheartrate local CA (laptop)\nO=liveheartrate');
    expect(x509.ca).toBe(true);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(forgeCa.getExtension('basicConstraints')).toMatchObject({ critical: true, cA: true, pathLenConstraint: 0 });
    expect(forgeCa.getExtension('keyUsage')).toMatchObject({ critical: true, keyCertSign: true, cRLSign: true, digitalSignature: false });
    expect(new Date(x509.validTo).getTime() - new Date(x509.validFrom).getTime()).toBe(3650 * DAY_MS);
    const constraints = forgeCa.getExtension('nameConstraints') as { critical: boolean; permittedSubtrees: Array<{ type: number; value: string }>; excludedSubtrees: unknown[] };
    expect(constraints.critical).toBe(true);
    expect(constraints.permittedSubtrees.map(({ type, value }) => (type === 2 ? value : Buffer.from(value, 'binary').toString('hex')))).toEqual([
      '0a000000ff000000',
      'ac100000fff00000',
      'c0a80000ffff0000',
      '7f000000ff000000',
      'local',
      'localhost',
    ]);
  });

  it('issues a server certificate for each address, the host name and localhost, which OpenSSL verifies against the CA', async () => {
    // Act
    const certificates = await prepare(new Date());
    const leaf = new X509Certificate(certificates.chainPem);
    const ca = new X509Certificate(certificates.ca?.certPem ?? '');

    // Assess
    expect(leaf.subjectAltName).toBe('IP Address:192.168.1.20, IP Address:10.0.0.5, DNS:laptop.local, DNS:localhost');
    expect(leaf.checkIP('192.168.1.20')).toBe('192.168.1.20');
    expect(leaf.checkHost('laptop.local')).toBe('laptop.local');
    expect(leaf.checkHost('example.com')).toBeUndefined();
    expect(leaf.ca).toBe(false);
    expect(leaf.keyUsage).toEqual([SERVER_AUTH]);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(new Date(leaf.validTo).getTime() - new Date(leaf.validFrom).getTime()).toBe(397 * DAY_MS);
    // The chain file holds the leaf, then the CA.
    expect(certificates.chainPem.endsWith(certificates.ca?.certPem ?? '-')).toBe(true);
    expect(await verifyOverTls(certificates.chainPem, certificates.keyPem, certificates.ca?.certPem ?? '', 'laptop.local')).toBeUndefined();
  });

  it('cannot vouch for a public name or address: OpenSSL refuses a leaf the CA signed outside its constraints', async () => {
    // Prepare: what someone holding the CA key would try, beside the same leaf for private names.
    const { ca } = await loadOrCreateLocalCa(lanFiles(dataDir), 'laptop', new Date());
    const key = generateRsaKey();
    const leaf = (altNames: object[]): string =>
      signCertificate({
        commonName: 'example.com',
        publicKey: key.publicKey,
        issuer: ca.cert,
        signingKey: ca.key.privateKey,
        notBefore: new Date(Date.now() - DAY_MS),
        days: 30,
        extensions: [{ name: 'subjectAltName', altNames }],
      });
    const rogue = leaf([{ type: 2, value: 'example.com' }, { type: 7, ip: '8.8.8.8' }]);
    const inside = leaf([{ type: 2, value: 'example.local' }, { type: 7, ip: '10.1.2.3' }]);

    // Act
    const refused = await verifyOverTls(`${rogue}${ca.certPem}`, key.privateKeyPem, ca.certPem, 'example.com');
    const accepted = await verifyOverTls(`${inside}${ca.certPem}`, key.privateKeyPem, ca.certPem, 'example.local');

    // Assess: only the names differ. (Node reports OpenSSL's "permitted subtree violation" as UNSPECIFIED.)
    expect(refused).toBeDefined();
    expect(accepted).toBeUndefined();
  });

  it('keeps the CA and the server certificate across starts while they fit', async () => {
    const first = await prepare();
    const again = await prepare(new Date(NOW.getTime() + 300 * DAY_MS));
    expect(again.ca).toEqual({ ...first.ca, created: false });
    expect(again.chainPem).toBe(first.chainPem);
    expect(again.keyPem).toBe(first.keyPem);
  });

  it('issues the server certificate again, under the same CA, when the names change, it nears expiry or its file is damaged', async () => {
    // Prepare
    const first = await prepare();

    // Act
    const moved = await prepare(NOW, { addresses: ['192.168.1.21'], hostName: 'laptop.local' });
    const renamed = await prepare(NOW, { addresses: ['192.168.1.21'], hostName: 'other.local' });
    const nearExpiry = await prepare(new Date(NOW.getTime() + 370 * DAY_MS), { addresses: ['192.168.1.21'], hostName: 'other.local' });
    await writeFile(lanFiles(dataDir).serverCert, 'garbage');
    const repaired = await prepare(NOW, { addresses: ['192.168.1.21'], hostName: 'other.local' });

    // Assess
    const chains = [first, moved, renamed, nearExpiry, repaired].map((certificates) => certificates.chainPem);
    expect(new Set(chains).size).toBe(5);
    expect(new X509Certificate(moved.chainPem).subjectAltName).toBe('IP Address:192.168.1.21, DNS:laptop.local, DNS:localhost');
    expect(new Set([first, moved, renamed, nearExpiry, repaired].map((certificates) => certificates.ca?.fingerprint256)).size).toBe(1);
  });

  it('never makes a new CA silently: a damaged, half or mismatched CA is an error naming the file and how to start over', async () => {
    // Prepare
    const files = lanFiles(dataDir);
    await prepare();
    const goodKey = await readFile(files.caKey, 'utf8');
    const startOver = `delete the folder ${files.dir} to start over with a new CA (each phone must then trust the new one)`;

    // Act / Assess
    await writeFile(files.caKey, generateRsaKey().privateKeyPem);
    await expect(prepare()).rejects.toThrow(`${files.caKey} does not belong to ${files.caCert}; ${startOver}`);
    await writeFile(files.caKey, 'not a key');
    await expect(prepare()).rejects.toThrow(`${files.caKey} is not a readable RSA private key; ${startOver}`);
    await writeFile(files.caKey, goodKey);
    await expect(prepare(new Date(NOW.getTime() + 3660 * DAY_MS))).rejects.toThrow(new RegExp(`^${files.caCert.replaceAll('.', '\\.')} expired on `));
    await writeFile(files.caCert, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await expect(prepare()).rejects.toThrow(`${files.caCert} is not a readable certificate; ${startOver}`);
    await rm(files.caCert);
    await expect(prepare()).rejects.toThrow(`${files.caCert} is missing while its pair is there; ${startOver}`);
    await expect(prepare()).rejects.toBeInstanceOf(LanCertificateError);
  });

  it('takes a certificate the person supplies, checked, with a warning when it does not name an address served', async () => {
    // Prepare: a certificate and key from elsewhere (here, another data folder's CA).
    const elsewhere = join(dataDir, 'elsewhere');
    const issued = await prepareLanCertificates({ dataDir: elsewhere, machineName: 'other', names: { addresses: ['192.168.1.20'] } }, NOW);
    const certPath = join(elsewhere, 'lan', 'server.crt');
    const keyPath = join(elsewhere, 'lan', 'server.PRIVATE-KEY.pem');
    const otherKeyPath = join(dataDir, 'other.pem');
    await writeFile(otherKeyPath, generateRsaKey().privateKeyPem);
    const user = (names: typeof NAMES, now = NOW, key = keyPath) => prepareLanCertificates({ dataDir, machineName: 'laptop', names, userCertificate: { certPath, keyPath: key } }, now);

    // Act
    const fits = await user({ addresses: ['192.168.1.20'], hostName: 'laptop.local' });
    const elsewhereOnly = await user(NAMES);

    // Assess
    expect(fits).toEqual({ keyPem: issued.keyPem, chainPem: issued.chainPem, source: 'user', warnings: [] });
    expect(elsewhereOnly.warnings).toEqual([`${certPath} does not name 10.0.0.5: a browser opening https://10.0.0.5 will refuse it`]);
    await expect(user(NAMES, NOW, otherKeyPath)).rejects.toThrow(`${otherKeyPath} is not the key of the certificate in ${certPath}`);
    await expect(user(NAMES, new Date(NOW.getTime() + 400 * DAY_MS))).rejects.toThrow(new RegExp(`^${certPath.replaceAll('.', '\\.')} expired on `));
    await expect(user(NAMES, NOW, certPath)).rejects.toThrow(`${certPath} is not a PEM private key`);
    await expect(user(NAMES, NOW, join(dataDir, 'none.pem'))).rejects.toThrow(`cannot read the key file ${join(dataDir, 'none.pem')}: ENOENT`);
    // Nothing of the local CA is made when the person brings their own.
    await expect(readFile(lanFiles(dataDir).caCert)).rejects.toThrow(/ENOENT/);
  });
});

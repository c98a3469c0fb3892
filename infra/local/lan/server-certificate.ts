// The LAN servers' certificate, issued by the local CA for the addresses served and the host name. It is derived
// (the CA is what phones trust), so it is simply issued again whenever it no longer fits: other addresses or
// name, a different CA, close to expiry, or a file that does not read.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readIfExists, writeLanFile, type LanFiles } from './lan-files.ts';
import type { LocalCa } from './local-ca.ts';
import { generateRsaKey } from './rsa-key.ts';
import { signCertificate } from './sign-certificate.ts';

export interface ServerNames {
  addresses: readonly string[];
  hostName?: string;
}

export interface ServerCertificate {
  keyPem: string;
  /** The leaf then the CA: Chromium checks the CA's key in the chain the server sends (docs/testing.md). */
  chainPem: string;
  reused: boolean;
}

// 397 days: under the 398 that browsers accept for a server certificate.
const SERVER_DAYS = 397;
const RENEW_BEFORE_MS = 30 * 86_400_000;
const BACKDATE_MS = 86_400_000;

export async function issueOrReuseServerCertificate(files: LanFiles, ca: LocalCa, names: ServerNames, now: Date): Promise<ServerCertificate> {
  const chainPem = await readIfExists(files.serverCert);
  const keyPem = await readIfExists(files.serverKey);
  if (chainPem !== undefined && keyPem !== undefined && stillFits(chainPem, keyPem, ca, names, now)) return { keyPem, chainPem, reused: true };

  const key = generateRsaKey();
  const leafPem = signCertificate({
    commonName: names.hostName ?? names.addresses[0] ?? 'localhost',
    publicKey: key.publicKey,
    issuer: ca.cert,
    signingKey: ca.key.privateKey,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    days: SERVER_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: wantedAltNames(names).map(toForgeAltName) },
      // The CA's key identifier (node-forge's `true` would take the leaf's own), so verifiers find the issuer.
      { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
    ],
  });
  const newChain = `${leafPem}${ca.certPem}`;
  await writeLanFile(files.serverKey, key.privateKeyPem, true);
  await writeLanFile(files.serverCert, newChain, false);
  return { keyPem: key.privateKeyPem, chainPem: newChain, reused: false };
}

function stillFits(chainPem: string, keyPem: string, ca: LocalCa, names: ServerNames, now: Date): boolean {
  try {
    const leaf = new X509Certificate(chainPem);
    const caX509 = new X509Certificate(ca.certPem);
    return (
      leaf.checkIssued(caX509) &&
      leaf.verify(caX509.publicKey) &&
      leaf.checkPrivateKey(createPrivateKey(keyPem)) &&
      new Date(leaf.validTo).getTime() - now.getTime() > RENEW_BEFORE_MS &&
      sameNames(leaf.subjectAltName ?? '', wantedAltNames(names))
    );
  } catch {
    return false;
  }
}

type AltName = { kind: 'ip' | 'dns'; value: string };

function wantedAltNames(names: ServerNames): AltName[] {
  const dns = [...new Set([...(names.hostName === undefined ? [] : [names.hostName]), 'localhost'])];
  return [...names.addresses.map((value) => ({ kind: 'ip' as const, value })), ...dns.map((value) => ({ kind: 'dns' as const, value }))];
}

function toForgeAltName(name: AltName): object {
  return name.kind === 'ip' ? { type: 7, ip: name.value } : { type: 2, value: name.value };
}

/** node:crypto writes the SAN as "DNS:localhost, IP Address:127.0.0.2". */
function sameNames(subjectAltName: string, wanted: AltName[]): boolean {
  const have = new Set(subjectAltName.split(', ').filter(Boolean));
  const want = new Set(wanted.map((name) => (name.kind === 'ip' ? `IP Address:${name.value}` : `DNS:${name.value}`)));
  return have.size === want.size && [...want].every((entry) => have.has(entry));
}

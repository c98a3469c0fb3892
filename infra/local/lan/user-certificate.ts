// A certificate and key the person supplies (--cert, --key) instead of the local CA's: e.g. one their own CA
// issued, which their devices already trust. Checked at start, so a wrong file is a clear error, not a TLS
// failure on the phone.
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { LanCertificateError } from './lan-certificate-error.ts';
import type { ServerNames } from './server-certificate.ts';

export interface UserCertificate {
  keyPem: string;
  chainPem: string;
  /** Things that will not stop the start but may stop a phone: the certificate not naming what is served. */
  warnings: string[];
}

export async function loadUserCertificate(paths: { certPath: string; keyPath: string }, names: ServerNames, now: Date): Promise<UserCertificate> {
  const chainPem = await readText(paths.certPath, 'certificate');
  const keyPem = await readText(paths.keyPath, 'key');
  const leaf = parse(paths.certPath, () => new X509Certificate(chainPem), 'is not a PEM certificate');
  const key: KeyObject = parse(paths.keyPath, () => createPrivateKey(keyPem), 'is not a PEM private key');
  if (!leaf.checkPrivateKey(key)) throw new LanCertificateError(`${paths.keyPath} is not the key of the certificate in ${paths.certPath}`);
  if (new Date(leaf.validTo).getTime() <= now.getTime()) throw new LanCertificateError(`${paths.certPath} expired on ${leaf.validTo}`);
  if (new Date(leaf.validFrom).getTime() > now.getTime()) throw new LanCertificateError(`${paths.certPath} is not valid before ${leaf.validFrom}`);
  const warnings = names.addresses
    .filter((address) => leaf.checkIP(address) === undefined)
    .map((address) => `${paths.certPath} does not name ${address}: a browser opening https://${address} will refuse it`);
  return { keyPem, chainPem, warnings };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new LanCertificateError(`cannot read the ${what} file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}

function parse<T>(path: string, read: () => T, problem: string): T {
  try {
    return read();
  } catch {
    throw new LanCertificateError(`${path} ${problem}`);
  }
}

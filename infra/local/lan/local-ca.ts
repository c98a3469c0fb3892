// The local certificate authority of the LAN mode: made once, kept in <dataDir>/lan/, trusted by the person's
// phone (docs/configuration.md, "LAN mode"). Never made again behind the person's back: a CA file that is there
// but unreadable is an error, because a silent new CA would leave every phone that trusts the old one failing.
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { LanCertificateError } from './lan-certificate-error.ts';
import { readIfExists, writeLanFile, type LanFiles } from './lan-files.ts';
import { nameConstraintsExtension } from './name-constraints.ts';
import { generateRsaKey, readRsaKey, type RsaKey } from './rsa-key.ts';
import { signCertificate } from './sign-certificate.ts';

export interface LocalCa {
  certPem: string;
  key: RsaKey;
  cert: forge.pki.Certificate;
  /** SHA-256 of the certificate, colon-separated hex, for a person to compare on the phone. */
  fingerprint256: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo: what Chromium's --ignore-certificate-errors-spki-list takes. */
  spkiSha256: string;
  path: string;
}

const CA_DAYS = 3650;
// A phone whose clock is a little behind still accepts a certificate made a moment ago.
const BACKDATE_MS = 86_400_000;

/** Loads the CA from `files`, or makes it when neither of its files exists. */
export async function loadOrCreateLocalCa(files: LanFiles, machineName: string, now: Date): Promise<{ ca: LocalCa; created: boolean }> {
  const certPem = await readIfExists(files.caCert);
  const keyPem = await readIfExists(files.caKey);
  if (certPem === undefined && keyPem === undefined) return { ca: await createLocalCa(files, machineName, now), created: true };
  if (certPem === undefined || keyPem === undefined) {
    const missing = certPem === undefined ? files.caCert : files.caKey;
    throw new LanCertificateError(`${missing} is missing while its pair is there; ${startOver(files)}`);
  }
  return { ca: readLocalCa(files, certPem, keyPem, now), created: false };
}

async function createLocalCa(files: LanFiles, machineName: string, now: Date): Promise<LocalCa> {
  const key = generateRsaKey();
  const certPem = signCertificate({
    commonName: `liveheartrate local CA (${machineName})`,
    publicKey: key.publicKey,
    signingKey: key.privateKey,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    days: CA_DAYS,
    extensions: [
      { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      nameConstraintsExtension(),
      { name: 'subjectKeyIdentifier' },
    ],
  });
  // The key first: a certificate without its key would be a CA nobody can use, and an error at the next start.
  await writeLanFile(files.caKey, key.privateKeyPem, true);
  await writeLanFile(files.caCert, certPem, false);
  return describeCa(certPem, key, files.caCert);
}

function readLocalCa(files: LanFiles, certPem: string, keyPem: string, now: Date): LocalCa {
  let key: RsaKey;
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(certPem);
  } catch {
    throw new LanCertificateError(`${files.caCert} is not a readable certificate; ${startOver(files)}`);
  }
  try {
    key = readRsaKey(keyPem);
  } catch {
    throw new LanCertificateError(`${files.caKey} is not a readable RSA private key; ${startOver(files)}`);
  }
  if (!x509.checkPrivateKey(createPrivateKey(keyPem))) {
    throw new LanCertificateError(`${files.caKey} does not belong to ${files.caCert}; ${startOver(files)}`);
  }
  if (new Date(x509.validTo).getTime() <= now.getTime()) {
    throw new LanCertificateError(`${files.caCert} expired on ${x509.validTo}; ${startOver(files)}`);
  }
  return describeCa(certPem, key, files.caCert);
}

function describeCa(certPem: string, key: RsaKey, path: string): LocalCa {
  const x509 = new X509Certificate(certPem);
  const spki = createPublicKey(certPem).export({ type: 'spki', format: 'der' });
  return {
    certPem,
    key,
    cert: forge.pki.certificateFromPem(certPem),
    fingerprint256: x509.fingerprint256,
    spkiSha256: createHash('sha256').update(spki).digest('base64'),
    path,
  };
}

function startOver(files: LanFiles): string {
  return `delete the folder ${files.dir} to start over with a new CA (each phone must then trust the new one)`;
}

import { randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface CertificateRequest {
  commonName: string;
  publicKey: forge.pki.rsa.PublicKey;
  /** The issuer's certificate; absent for a self-signed one (the CA's own). */
  issuer?: forge.pki.Certificate;
  signingKey: forge.pki.rsa.PrivateKey;
  notBefore: Date;
  days: number;
  extensions: object[];
}

const DAY_MS = 86_400_000;

/** Builds and signs an X.509 v3 certificate (SHA-256 with RSA); answers its PEM. */
export function signCertificate(request: CertificateRequest): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = request.publicKey;
  // 16 random bytes with the top bit clear: a positive serial, unique without keeping a counter.
  const serial = randomBytes(16);
  serial[0] = (serial[0] ?? 0) & 0x7f;
  cert.serialNumber = serial.toString('hex');
  cert.validity.notBefore = request.notBefore;
  cert.validity.notAfter = new Date(request.notBefore.getTime() + request.days * DAY_MS);
  const subject = [{ name: 'commonName', value: request.commonName }, { name: 'organizationName', value: 'liveheartrate' }];
  cert.setSubject(subject);
  cert.setIssuer(request.issuer?.subject.attributes ?? subject);
  cert.setExtensions(request.extensions);
  cert.sign(request.signingKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

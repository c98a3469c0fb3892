import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface RsaKey {
  /** PKCS#8 PEM, as node:tls and the key file take it. */
  privateKeyPem: string;
  privateKey: forge.pki.rsa.PrivateKey;
  publicKey: forge.pki.rsa.PublicKey;
}

/** An RSA 2048 key from node:crypto (OpenSSL, fast), in node-forge's form for signing certificates. */
export function generateRsaKey(): RsaKey {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return readRsaKey(privateKeyPem);
}

/** A PEM private key (PKCS#8 or PKCS#1) in node-forge's form; throws when it is not an RSA key. */
export function readRsaKey(privateKeyPem: string): RsaKey {
  const privateKey = forge.pki.privateKeyFromPem(privateKeyPem);
  return { privateKeyPem, privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) };
}

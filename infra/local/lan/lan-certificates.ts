// What the LAN servers present: the local CA's server certificate (made or reused) or the person's own.
import { lanFiles } from './lan-files.ts';
import { loadOrCreateLocalCa } from './local-ca.ts';
import { issueOrReuseServerCertificate, type ServerNames } from './server-certificate.ts';
import { loadUserCertificate } from './user-certificate.ts';

export interface LanCertificates {
  keyPem: string;
  chainPem: string;
  source: 'generated' | 'user';
  /** The generated CA only: what a phone downloads and trusts. */
  ca?: { certPem: string; path: string; fingerprint256: string; spkiSha256: string; created: boolean };
  warnings: string[];
}

export async function prepareLanCertificates(
  options: { dataDir: string; machineName: string; names: ServerNames; userCertificate?: { certPath: string; keyPath: string } },
  now = new Date(),
): Promise<LanCertificates> {
  if (options.userCertificate !== undefined) {
    const user = await loadUserCertificate(options.userCertificate, options.names, now);
    return { keyPem: user.keyPem, chainPem: user.chainPem, source: 'user', warnings: user.warnings };
  }
  const files = lanFiles(options.dataDir);
  const { ca, created } = await loadOrCreateLocalCa(files, options.machineName, now);
  const server = await issueOrReuseServerCertificate(files, ca, options.names, now);
  return {
    keyPem: server.keyPem,
    chainPem: server.chainPem,
    source: 'generated',
    ca: { certPem: ca.certPem, path: ca.path, fingerprint256: ca.fingerprint256, spkiSha256: ca.spkiSha256, created },
    warnings: [],
  };
}

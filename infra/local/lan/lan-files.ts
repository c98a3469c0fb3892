// Where the LAN mode keeps its certificates: <dataDir>/lan/. The names say what each file is, so nobody copies a
// private key to a phone by mistake; keys are written readable by this user only (0600).
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const CA_CERT_FILE = 'liveheartrate-local-ca.crt';
export const CA_KEY_FILE = 'liveheartrate-local-ca.PRIVATE-KEY.pem';
export const SERVER_CERT_FILE = 'server.crt';
export const SERVER_KEY_FILE = 'server.PRIVATE-KEY.pem';

export interface LanFiles {
  dir: string;
  caCert: string;
  caKey: string;
  serverCert: string;
  serverKey: string;
}

export function lanFiles(dataDir: string): LanFiles {
  const dir = join(dataDir, 'lan');
  return { dir, caCert: join(dir, CA_CERT_FILE), caKey: join(dir, CA_KEY_FILE), serverCert: join(dir, SERVER_CERT_FILE), serverKey: join(dir, SERVER_KEY_FILE) };
}

/** The file's text, or undefined when it does not exist; any other read failure is thrown. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Writes through a temporary file and a rename, so a crash leaves the old file or the new one, never half a key.
 * `secret` files are created 0600 (chmod too, in case the umask or an old file said otherwise).
 */
export async function writeLanFile(path: string, text: string, secret: boolean): Promise<void> {
  const mode = secret ? 0o600 : 0o644;
  await mkdir(join(path, '..'), { recursive: true, mode: 0o700 });
  const temporary = `${path}.tmp`;
  await writeFile(temporary, text, { mode });
  await chmod(temporary, mode);
  await rename(temporary, path);
}

// What a process (and its children) listens on, as the kernel says, not as the process prints it: the socket
// inodes among its open files, looked up in /proc/net/tcp and tcp6 (Linux).
import { readdir, readFile, readlink } from 'node:fs/promises';

export interface Listener {
  address: string;
  port: number;
}

const LISTEN = '0A';

export async function listeningSockets(pid: number): Promise<Listener[]> {
  const inodes = new Set<string>();
  for (const process of await withDescendants(pid)) {
    for (const fd of await readdir(`/proc/${process}/fd`).catch(() => [])) {
      const target = await readlink(`/proc/${process}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode !== undefined) inodes.add(inode);
    }
  }
  const tables = [...(await readTable('/proc/net/tcp', parseIpv4)), ...(await readTable('/proc/net/tcp6', parseIpv6))];
  return tables.filter((entry) => entry.state === LISTEN && inodes.has(entry.inode)).map(({ address, port }) => ({ address, port }));
}

async function withDescendants(pid: number): Promise<number[]> {
  const all = [pid];
  for (let index = 0; index < all.length; index += 1) {
    const tasks = await readdir(`/proc/${all[index]}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await readFile(`/proc/${all[index]}/task/${task}/children`, 'utf8').catch(() => '');
      all.push(...children.split(' ').filter(Boolean).map(Number));
    }
  }
  return all;
}

async function readTable(path: string, parseAddress: (hex: string) => string): Promise<Array<Listener & { state: string; inode: string }>> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 9)
    .map((fields) => {
      const [addressHex = '', portHex = ''] = (fields[1] ?? '').split(':');
      return { address: parseAddress(addressHex), port: Number.parseInt(portHex, 16), state: fields[3] ?? '', inode: fields[9] ?? '' };
    });
}

/** The kernel writes the address as a 32-bit word in host order (little-endian here). */
function parseIpv4(hex: string): string {
  return [6, 4, 2, 0].map((offset) => Number.parseInt(hex.slice(offset, offset + 2), 16)).join('.');
}

/** Four 32-bit words, each in host order; written out in full, so "::" is 0:0:0:0:0:0:0:0. */
function parseIpv6(hex: string): string {
  const bytes = [0, 8, 16, 24].flatMap((word) => [6, 4, 2, 0].map((offset) => Number.parseInt(hex.slice(word + offset, word + offset + 2), 16)));
  const groups: string[] = [];
  for (let index = 0; index < 16; index += 2) groups.push((((bytes[index] ?? 0) << 8) | (bytes[index + 1] ?? 0)).toString(16));
  return groups.join(':');
}

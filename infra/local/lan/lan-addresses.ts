// Which addresses the LAN mode serves on. Only private IPv4: a phone on home Wi-Fi reaches the laptop there, and a
// certificate naming it can be issued by a CA constrained to private ranges (local-ca.ts). IPv6 is left out: a
// home network's IPv6 addresses are mostly global (reachable from the internet where the router allows it) or
// temporary (they rotate within a day, so a certificate naming one soon stops matching); ULA (fd00::/8) is rare
// at home and link-local (fe80::) needs a zone id no URL in a phone's browser can carry.
import type { NetworkInterfaceInfo } from 'node:os';

/** An address the LAN servers may bind: a private or loopback IPv4 address, never 0.0.0.0. */
export type LanAddress = string & { readonly lanAddress: unique symbol };

export class NoLanAddressError extends Error {
  /** `others`: the machine's non-private IPv4 addresses, named so a person sees why none of them was taken. */
  constructor(others: readonly string[] = []) {
    const seen = others.length === 0 ? '' : ` (${others.join(', ')} ${others.length === 1 ? 'is not a private address' : 'are not private addresses'})`;
    super(`no LAN address${seen}: connect to Wi-Fi/Ethernet or pass --lan-address`);
    this.name = 'NoLanAddressError';
  }
}

// RFC 1918 (10/8, 172.16/12, 192.168/16) and loopback (127/8, which tests use as a stand-in LAN).
const PRIVATE_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0x7f000000, 8],
];

/** The private IPv4 ranges, as [network, prefix length]; the local CA's name constraints permit exactly these. */
export function privateIpv4Ranges(): ReadonlyArray<readonly [string, number]> {
  return PRIVATE_RANGES.map(([network, bits]) => [formatIpv4(network), bits] as const);
}

/**
 * The machine's private IPv4 addresses, from `os.networkInterfaces()`, in interface order, each once. Loopback
 * interfaces (internal) are left out: a phone cannot reach them.
 */
export function findLanAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): LanAddress[] {
  const found: LanAddress[] = [];
  for (const infos of Object.values(interfaces)) {
    for (const info of infos ?? []) {
      if (info.internal || info.family !== 'IPv4') continue;
      const address = parseLanAddress(info.address);
      if (address !== undefined && !isLoopback(address) && !found.includes(address)) found.push(address);
    }
  }
  return found;
}

/** The IPv4 addresses of non-loopback interfaces that are not private (a public, documentation or CGNAT address). */
function findPublicAddresses(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): string[] {
  return Object.values(interfaces)
    .flatMap((infos) => infos ?? [])
    .filter((info) => !info.internal && info.family === 'IPv4' && parseLanAddress(info.address) === undefined)
    .map((info) => info.address);
}

/** The addresses to serve on: the ones asked for, else the ones found; none is an error a person can act on. */
export function chooseLanAddresses(requested: string | undefined, interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>): LanAddress[] {
  if (requested !== undefined) return [readLanAddress(requested)];
  const found = findLanAddresses(interfaces);
  if (found.length === 0) throw new NoLanAddressError(findPublicAddresses(interfaces));
  return found;
}

/** A LAN address given by a person (--lan-address) or a test; anything else is a clear error. */
export function readLanAddress(text: string): LanAddress {
  const address = parseLanAddress(text);
  if (address === undefined) {
    throw new Error(`--lan-address must be a private IPv4 address (10.x, 172.16–31.x, 192.168.x, or 127.x), got "${text}"`);
  }
  return address;
}

function parseLanAddress(text: string): LanAddress | undefined {
  const value = parseIpv4(text);
  if (value === undefined) return undefined;
  return PRIVATE_RANGES.some(([network, bits]) => inRange(value, network, bits)) ? (text as LanAddress) : undefined;
}

function isLoopback(address: LanAddress): boolean {
  return address.startsWith('127.');
}

/** Dotted-quad only, no leading zeros (which some parsers read as octal), so the text is the address. */
function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255)) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

function inRange(value: number, network: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(value / size) === Math.floor(network / size);
}

function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

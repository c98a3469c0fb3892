import type { NetworkInterfaceInfo } from 'node:os';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooseLanAddresses, findLanAddresses, NoLanAddressError, readLanAddress } from '../../../infra/local/lan/lan-addresses.ts';
import { lanHostName } from '../../../infra/local/lan/lan-host-name.ts';

function ipv4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.255.255.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: `${address}/24` };
}

function ipv6(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal, cidr: `${address}/64`, scopeid: 0 };
}

describe('findLanAddresses', () => {
  it('keeps the private IPv4 addresses of real interfaces, in order, each once', () => {
    // Prepare
    const interfaces = {
      lo: [ipv4('127.0.0.1', true), ipv6('::1', true)],
      wlan0: [ipv4('192.168.1.20'), ipv6('fe80::1'), ipv6('fd12:3456::1'), ipv6('2001:db8::1')],
      eth0: [ipv4('10.0.0.5'), ipv4('172.20.1.2')],
      docker0: [ipv4('172.17.0.1')],
      tun0: [ipv4('100.64.0.7'), ipv4('8.8.8.8')],
      bridge: [ipv4('192.168.1.20')],
      gone: undefined,
    };

    // Act
    const found = findLanAddresses(interfaces);

    // Assess: no loopback, no IPv6, no carrier-grade NAT or public address.
    expect(found).toEqual(['192.168.1.20', '10.0.0.5', '172.20.1.2', '172.17.0.1']);
  });

  it('finds nothing on a machine with loopback only', () => {
    expect(findLanAddresses({ lo: [ipv4('127.0.0.1', true)] })).toEqual([]);
    expect(() => chooseLanAddresses(undefined, { lo: [ipv4('127.0.0.1', true)] })).toThrow(NoLanAddressError);
    expect(() => chooseLanAddresses(undefined, {})).toThrow('no LAN address: connect to Wi-Fi/Ethernet or pass --lan-address');
  });

  it('names the addresses it passed over when none is private', () => {
    // Prepare: a machine on a documentation-range network, as a cloud VM can be
    const interfaces = { lo: [ipv4('127.0.0.1', true)], eth0: [ipv4('192.0.2.2')], tun0: [ipv4('100.64.0.7')] };

    // Act / Assess
    expect(() => chooseLanAddresses(undefined, interfaces)).toThrow(
      'no LAN address (192.0.2.2, 100.64.0.7 are not private addresses): connect to Wi-Fi/Ethernet or pass --lan-address',
    );
  });

  it('takes the address asked for instead of the ones found', () => {
    expect(chooseLanAddresses('127.0.0.2', { wlan0: [ipv4('192.168.1.20')] })).toEqual(['127.0.0.2']);
  });

  it('never returns an address outside the private ranges, for any interface list', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    const address = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.'));
    fc.assert(
      fc.property(fc.array(fc.tuple(address, fc.boolean())), (entries) => {
        const found = findLanAddresses({ any: entries.map(([text, internal]) => ipv4(text, internal)) });
        for (const text of found) {
          const [a = 0, b = 0] = text.split('.').map(Number);
          expect(a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)).toBe(true);
        }
        expect(new Set(found).size).toBe(found.length);
      }),
    );
  });
});

describe('readLanAddress', () => {
  it('accepts private and loopback IPv4 addresses', () => {
    for (const text of ['10.1.2.3', '172.16.0.1', '172.31.255.254', '192.168.0.10', '127.0.0.2']) expect(readLanAddress(text)).toBe(text);
  });

  it('refuses wildcards, public addresses, IPv6, names and odd spellings with a clear error', () => {
    for (const text of ['0.0.0.0', '8.8.8.8', '172.32.0.1', '100.64.0.1', '::', 'fd00::1', 'laptop.local', '192.168.01.1', '192.168.1', '192.168.1.256', '']) {
      expect(() => readLanAddress(text), text).toThrow(`--lan-address must be a private IPv4 address (10.x, 172.16–31.x, 192.168.x, or 127.x), got "${text}"`);
    }
  });
});

describe('lanHostName', () => {
  it('makes the machine name a .local name, or none when nothing of it is usable in DNS', () => {
    expect(lanHostName('Laptop')).toBe('laptop.local');
    expect(lanHostName('my_laptop.home.arpa')).toBe('my-laptop.local');
    expect(lanHostName('Ångström PC')).toBe('ngstr-m-pc.local');
    expect(lanHostName('___')).toBeUndefined();
    expect(lanHostName('')).toBeUndefined();
    expect(lanHostName('a'.repeat(80))).toBe(`${'a'.repeat(63)}.local`);
  });
});

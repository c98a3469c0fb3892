import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHeartRateMeasurement } from '../../../src/core/hr-packet.ts';
import type { HeartRateReading, ParseResult } from '../../../src/core/hr-packet.ts';
import { bytes } from './support/bytes.ts';

function expectReading(result: ParseResult): HeartRateReading {
  if (!result.ok) throw new Error(`expected a reading, got ${result.error.reason}`);
  return result.reading;
}

describe('parseHeartRateMeasurement: heart-rate value', () => {
  it('reads an 8-bit heart rate with no optional fields', () => {
    // Prepare
    const packet = bytes(0x00, 0x48);

    // Act
    const reading = expectReading(parseHeartRateMeasurement(packet));

    // Assess
    expect(reading).toEqual({ bpm: 72, contact: 'unsupported', rrMs: [] });
    expect('energyKj' in reading).toBe(false);
  });

  it('reads a 16-bit heart rate little endian', () => {
    const packet = bytes(0x01, 0x2c, 0x01);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.bpm).toBe(300);
  });

  it('reads a small value in 16-bit format from the low byte', () => {
    const packet = bytes(0x01, 0x48, 0x00);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.bpm).toBe(72);
  });

  it('reads the full 8-bit and 16-bit ranges', () => {
    expect(expectReading(parseHeartRateMeasurement(bytes(0x00, 0xff))).bpm).toBe(255);
    expect(expectReading(parseHeartRateMeasurement(bytes(0x01, 0xff, 0xff))).bpm).toBe(65535);
    expect(expectReading(parseHeartRateMeasurement(bytes(0x00, 0x00))).bpm).toBe(0);
  });
});

describe('parseHeartRateMeasurement: sensor contact', () => {
  it.each([
    { flags: 0x00, contact: 'unsupported' },
    { flags: 0x02, contact: 'unsupported' }, // "detected" without "supported" means nothing
    { flags: 0x04, contact: 'not-detected' },
    { flags: 0x06, contact: 'detected' },
  ])('flags $flags → $contact', ({ flags, contact }) => {
    const packet = bytes(flags, 0x48);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.contact).toBe(contact);
  });
});

describe('parseHeartRateMeasurement: energy and RR intervals', () => {
  it('reads energy expended as uint16 kJ', () => {
    const packet = bytes(0x08, 0x48, 0x34, 0x12);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.energyKj).toBe(0x1234);
    expect(reading.rrMs).toEqual([]);
  });

  it('reads one RR interval in 1/1024 s as whole milliseconds', () => {
    const packet = bytes(0x10, 0x48, 0x00, 0x04); // 1024/1024 s

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.rrMs).toEqual([1000]);
  });

  it.each([
    { units: 1, ms: 1 },
    { units: 512, ms: 500 },
    { units: 1023, ms: 999 }, // 999.02
    { units: 845, ms: 825 }, // 825.20
    { units: 846, ms: 826 }, // 826.17
    { units: 65535, ms: 63999 }, // 63999.02
  ])('rounds $units units to $ms ms', ({ units, ms }) => {
    const packet = bytes(0x10, 0x48, units & 0xff, units >> 8);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.rrMs).toEqual([ms]);
  });

  it('reads a 16-bit heart rate with energy, contact and four RR intervals in one packet', () => {
    // Prepare: flags = uint16 | contact supported+detected | energy | RR
    const packet = bytes(
      0x1f,
      0x9a, 0x00, // 154 bpm
      0x10, 0x27, // 10000 kJ
      0x00, 0x02, // 512 → 500 ms
      0x66, 0x02, // 614 → 600 ms
      0xcd, 0x02, // 717 → 700 ms
      0x00, 0x04, // 1024 → 1000 ms
    );

    // Act
    const reading = expectReading(parseHeartRateMeasurement(packet));

    // Assess
    expect(reading).toEqual({ bpm: 154, contact: 'detected', energyKj: 10000, rrMs: [500, 600, 700, 1000] });
  });

  it('finds RR after the energy field, not at the energy offset', () => {
    const packet = bytes(0x18, 0x48, 0xff, 0x00, 0x00, 0x04);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.energyKj).toBe(255);
    expect(reading.rrMs).toEqual([1000]);
  });

  it('accepts the RR flag with no RR bytes as an empty list', () => {
    const packet = bytes(0x10, 0x48);

    const result = parseHeartRateMeasurement(packet);

    expect(result).toEqual({ ok: true, reading: { bpm: 72, contact: 'unsupported', rrMs: [] } });
  });

  it('ignores trailing bytes when the RR flag is clear', () => {
    const packet = bytes(0x00, 0x48, 0x00, 0x04, 0x07);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading).toEqual({ bpm: 72, contact: 'unsupported', rrMs: [] });
  });

  it('ignores the reserved flag bits 5-7', () => {
    const plain = parseHeartRateMeasurement(bytes(0x1e, 0x48, 0x01, 0x00, 0x00, 0x04));

    const reserved = parseHeartRateMeasurement(bytes(0xfe, 0x48, 0x01, 0x00, 0x00, 0x04));

    expect(reserved).toEqual(plain);
    expect(expectReading(reserved)).toEqual({ bpm: 72, contact: 'detected', energyKj: 1, rrMs: [1000] });
  });
});

describe('parseHeartRateMeasurement: every flag combination', () => {
  // Builds a packet field by field for one flag byte: 150 bpm, 513 kJ, RR of 1024 and 512 units.
  function packetFor(flags: number): Uint8Array {
    const out = [flags];
    if (flags & 0x01) out.push(150, 0x00);
    else out.push(150);
    if (flags & 0x08) out.push(0x01, 0x02);
    if (flags & 0x10) out.push(0x00, 0x04, 0x00, 0x02);
    return bytes(...out);
  }

  const combinations = Array.from({ length: 32 }, (_, flags) => ({ flags, hex: flags.toString(16).padStart(2, '0') }));

  it.each(combinations)('flags 0x$hex decode every announced field', ({ flags }) => {
    const packet = packetFor(flags);

    const reading = expectReading(parseHeartRateMeasurement(packet));

    expect(reading.bpm).toBe(150);
    const contact = flags & 0x04 ? (flags & 0x02 ? 'detected' : 'not-detected') : 'unsupported';
    expect(reading.contact).toBe(contact);
    expect(reading.energyKj).toBe(flags & 0x08 ? 0x0201 : undefined);
    expect(reading.rrMs).toEqual(flags & 0x10 ? [1000, 500] : []);
  });
});

describe('parseHeartRateMeasurement: malformed packets', () => {
  it.each([
    { name: 'empty', packet: bytes(), reason: 'empty' },
    { name: 'flags only', packet: bytes(0x00), reason: 'truncated-heart-rate' },
    { name: 'half a 16-bit heart rate', packet: bytes(0x01, 0x48), reason: 'truncated-heart-rate' },
    { name: 'no energy bytes', packet: bytes(0x08, 0x48), reason: 'truncated-energy' },
    { name: 'half the energy', packet: bytes(0x08, 0x48, 0x10), reason: 'truncated-energy' },
    { name: 'half the energy before RR', packet: bytes(0x19, 0x48, 0x00, 0x10), reason: 'truncated-energy' },
    { name: 'a lone RR byte', packet: bytes(0x10, 0x48, 0x00), reason: 'truncated-rr' },
    { name: 'an odd trailing RR byte', packet: bytes(0x10, 0x48, 0x00, 0x04, 0x00), reason: 'truncated-rr' },
    { name: 'an odd RR byte after energy', packet: bytes(0x18, 0x48, 0x01, 0x00, 0x00, 0x04, 0x00), reason: 'truncated-rr' },
  ])('$name → $reason', ({ packet, reason }) => {
    const result = parseHeartRateMeasurement(packet);

    expect(result).toEqual({ ok: false, error: { reason, length: packet.length } });
  });
});

describe('parseHeartRateMeasurement: property over random packets', () => {
  interface EncodeHints {
    uint16: boolean;
    // A reading cannot tell "RR flag set, no RR bytes" from "RR flag clear"; the encoder needs to be told.
    rrFlag: boolean;
  }

  // Independent reference encoder, written from the GATT specification rather than from the parser.
  function encodeReference(reading: HeartRateReading, hints: EncodeHints): Uint8Array {
    let flags = hints.uint16 ? 0x01 : 0x00;
    if (reading.contact !== 'unsupported') flags |= 0x04;
    if (reading.contact === 'detected') flags |= 0x02;
    if (reading.energyKj !== undefined) flags |= 0x08;
    if (hints.rrFlag || reading.rrMs.length > 0) flags |= 0x10;
    const out = [flags];
    const pushUint16 = (value: number): void => {
      out.push(value & 0xff, (value >> 8) & 0xff);
    };
    if (hints.uint16) pushUint16(reading.bpm);
    else out.push(reading.bpm);
    if (reading.energyKj !== undefined) pushUint16(reading.energyKj);
    for (const ms of reading.rrMs) pushUint16(Math.round((ms * 1024) / 1000));
    return Uint8Array.from(out);
  }

  // What the encoder should reproduce: reserved bits and a meaningless "detected" bit cleared, and
  // bytes the parser is allowed to ignore (after the last field when RR is absent) cut off.
  function canonicalOf(packet: Uint8Array): Uint8Array {
    const rawFlags = packet[0] ?? 0;
    let flags = rawFlags & 0x1f;
    if (!(flags & 0x04)) flags &= ~0x02;
    const canonical = Uint8Array.from(packet);
    canonical[0] = flags;
    if (flags & 0x10) return canonical;
    const used = 1 + (flags & 0x01 ? 2 : 1) + (flags & 0x08 ? 2 : 0);
    return canonical.slice(0, used);
  }

  function rrUnitsOf(packet: Uint8Array, rrOffset: number): number[] {
    const units: number[] = [];
    for (let i = rrOffset; i + 1 < packet.length; i += 2) units.push((packet[i] ?? 0) | ((packet[i + 1] ?? 0) << 8));
    return units;
  }

  // expect() is too slow for 100,000 runs; plain checks keep the suite fast and name the failing packet.
  function check(condition: boolean, what: string, packet: Uint8Array): void {
    if (!condition) throw new Error(`${what} for packet [${Array.from(packet, (b) => `0x${b.toString(16)}`).join(', ')}]`);
  }

  function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
    return a.length === b.length && a.every((value, index) => value === b[index]);
  }

  // Up to 32 random bytes; three times in four the flags are cut to the five defined bits, so every
  // combination of fields is well covered rather than drowned in reserved-bit noise.
  const packets = fc
    .tuple(fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 0, max: 3 }))
    .map(([packet, roll]) => {
      if (packet.length > 0 && roll < 3) packet[0] = (packet[0] ?? 0) & 0x1f;
      return packet;
    });

  it('never throws, returns ok xor error, and round-trips through a reference encoder (100,000 packets)', () => {
    // Prepare
    let okCount = 0;
    let exactRoundTrips = 0;
    let errorCount = 0;

    fc.assert(
      fc.property(packets, (packet) => {
        // Act
        const result = parseHeartRateMeasurement(packet);

        // Assess
        if (!result.ok) {
          errorCount++;
          check(!('reading' in result), 'error result also carries a reading', packet);
          check(result.error.length === packet.length, 'error length differs from packet length', packet);
          return;
        }
        okCount++;
        check(!('error' in result), 'ok result also carries an error', packet);
        const { reading } = result;
        const flags = packet[0] ?? 0;
        const maxBpm = flags & 0x01 ? 65535 : 255;
        check(Number.isInteger(reading.bpm) && reading.bpm >= 0 && reading.bpm <= maxBpm, 'bpm out of range', packet);
        const rrOffset = 1 + (flags & 0x01 ? 2 : 1) + (flags & 0x08 ? 2 : 0);
        const expectedRrCount = flags & 0x10 ? (packet.length - rrOffset) / 2 : 0;
        check(reading.rrMs.length === expectedRrCount, 'RR count is not remaining bytes / 2', packet);

        const canonical = canonicalOf(packet);
        const reencoded = encodeReference(reading, { uint16: (flags & 0x01) !== 0, rrFlag: (flags & 0x10) !== 0 });
        const rrUnits = rrUnitsOf(canonical, rrOffset);
        const rrExact = rrUnits.every((units) => Math.round((Math.round((units * 1000) / 1024) * 1024) / 1000) === units);
        if (rrExact) {
          exactRoundTrips++;
          check(sameBytes(reencoded, canonical), 're-encoding does not reproduce the packet', packet);
        } else {
          // Rounding to whole ms can move an RR by at most one 1/1024 s unit; everything else must match exactly.
          check(sameBytes(reencoded.slice(0, rrOffset), canonical.slice(0, rrOffset)), 'header differs', packet);
          const back = rrUnitsOf(reencoded, rrOffset);
          check(back.length === rrUnits.length, 'RR count differs after re-encoding', packet);
          check(back.every((units, index) => Math.abs(units - (rrUnits[index] ?? NaN)) <= 1), 'RR moved > 1 unit', packet);
        }
      }),
      { numRuns: 100_000 },
    );

    // The property is only meaningful if both branches were exercised often.
    expect(okCount).toBeGreaterThan(30_000);
    expect(errorCount).toBeGreaterThan(10_000);
    expect(exactRoundTrips).toBeGreaterThan(20_000);
  });
});

// Parser for the Bluetooth Heart Rate Measurement characteristic (0x2A37).
// Packets come from untrusted radios, so the parser reports malformed input as a value and never throws.

export type Contact = 'detected' | 'not-detected' | 'unsupported';

export interface HeartRateReading {
  bpm: number;
  contact: Contact;
  /** Present only when the packet carried the energy field. */
  energyKj?: number;
  /** Empty when the packet carried no RR intervals. */
  rrMs: number[];
}

export type PacketErrorReason = 'empty' | 'truncated-heart-rate' | 'truncated-energy' | 'truncated-rr';

export interface PacketError {
  reason: PacketErrorReason;
  /** Byte length of the offending packet, for diagnostics. */
  length: number;
}

export type ParseResult = { ok: true; reading: HeartRateReading } | { ok: false; error: PacketError };

export const HR_FLAG_UINT16 = 0x01;
export const HR_FLAG_CONTACT_DETECTED = 0x02;
export const HR_FLAG_CONTACT_SUPPORTED = 0x04;
export const HR_FLAG_ENERGY = 0x08;
export const HR_FLAG_RR = 0x10;

export function parseHeartRateMeasurement(bytes: Uint8Array): ParseResult {
  const length = bytes.length;
  if (length === 0) return fail('empty', length);
  const flags = byteAt(bytes, 0);

  let offset = 1;
  const hrWidth = flags & HR_FLAG_UINT16 ? 2 : 1;
  if (length < offset + hrWidth) return fail('truncated-heart-rate', length);
  const bpm = hrWidth === 2 ? readUint16(bytes, offset) : byteAt(bytes, offset);
  offset += hrWidth;

  const reading: HeartRateReading = { bpm, contact: contactOf(flags), rrMs: [] };

  // Energy sits before the RR list, so it must be consumed first or every RR value shifts by two bytes.
  if (flags & HR_FLAG_ENERGY) {
    if (length < offset + 2) return fail('truncated-energy', length);
    reading.energyKj = readUint16(bytes, offset);
    offset += 2;
  }

  // Bytes after the last announced field are ignored when the RR flag is clear, as GATT clients
  // conventionally do, so a sensor that pads its notifications still yields readings.
  if (flags & HR_FLAG_RR) {
    const remaining = length - offset;
    if (remaining % 2 !== 0) return fail('truncated-rr', length);
    for (; offset < length; offset += 2) reading.rrMs.push(rrUnitsToMs(readUint16(bytes, offset)));
  }

  return { ok: true, reading };
}

/** RR intervals are sent in 1/1024 s; whole milliseconds are well within what a strap can resolve. */
export function rrUnitsToMs(units: number): number {
  return Math.round((units * 1000) / 1024);
}

function contactOf(flags: number): Contact {
  if (!(flags & HR_FLAG_CONTACT_SUPPORTED)) return 'unsupported';
  return flags & HR_FLAG_CONTACT_DETECTED ? 'detected' : 'not-detected';
}

function fail(reason: PacketErrorReason, length: number): ParseResult {
  return { ok: false, error: { reason, length } };
}

// Callers check the length before reading, so the fallback is never taken; it only satisfies the index type.
function byteAt(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}

function readUint16(bytes: Uint8Array, offset: number): number {
  return byteAt(bytes, offset) | (byteAt(bytes, offset + 1) << 8);
}

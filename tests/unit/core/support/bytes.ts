// Byte-level fixtures read like the packet they describe: bytes(0x16, 0x48, 0x00, 0x04).
export function bytes(...values: number[]): Uint8Array {
  for (const value of values) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff) throw new RangeError(`not a byte: ${value}`);
  }
  return Uint8Array.from(values);
}

// The stream's limits are in bytes, not UTF-16 code units. The platform's encoder is the definition of
// those bytes (lone surrogates become U+FFFD, 3 bytes), so measure with it rather than count by hand.
const encoder = new TextEncoder();

export function utf8ByteLength(s: string): number {
  return encoder.encode(s).byteLength;
}

// base64url (RFC 4648 §5) without padding: safe in URLs and partition keys without escaping.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export function encodeBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += charAt(n >> 18) + charAt(n >> 12) + charAt(n >> 6) + charAt(n);
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] ?? 0) << 16;
    out += charAt(n >> 18) + charAt(n >> 12);
  } else if (rest === 2) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out += charAt(n >> 18) + charAt(n >> 12) + charAt(n >> 6);
  }
  return out;
}

function charAt(sextet: number): string {
  return ALPHABET.charAt(sextet & 0x3f);
}

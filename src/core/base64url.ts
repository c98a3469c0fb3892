// base64url (RFC 4648 §5) without padding: safe in URLs and partition keys without escaping.
// btoa is the platform's base64 in browsers and Node alike (Uint8Array.prototype.toBase64, which takes the
// URL alphabet directly, is not in Node 20); only the alphabet and the padding differ.

// Spreading a whole large array into String.fromCharCode can overflow the call stack; chunks cannot.
const CHUNK = 0x8000;

export function encodeBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

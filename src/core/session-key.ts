// Broadcast session keys (docs/architecture.md "Sessions and share links"). The write key stays on the broadcaster's
// device; the share link carries only the view id, a one-way hash of it, so a link cannot be used to write.
// Synchronous on purpose: crypto.subtle.digest is async, and the stream consumer derives a view id for every
// record on its hot path. @noble/hashes is audited and runs unchanged in browsers and in Node.
import { sha256 } from '@noble/hashes/sha2.js';
import { encodeBase64Url } from './base64url.ts';

export const KEY_BYTES = 16;

// Version-tagged so a future scheme can derive different ids from the same keys.
export const VIEW_ID_DOMAIN = 'liveheartrate/view/v1:';

// A second domain, so the partition key is a hash of the write key that is unrelated to the view id: a share
// link (which carries the view id) gives no way to compute it, and so no way to aim records at one session's shard.
export const PARTITION_KEY_DOMAIN = 'liveheartrate/partition/v1:';

// 16 bytes encode to 22 base64url characters; the last one holds 2 data bits and 4 zero bits, so only
// A, Q, g or w can end a canonical encoding. Rejecting the others keeps one spelling per key.
const KEY_PATTERN = /^[A-Za-z0-9_-]{21}[AQgw]$/;

const utf8 = new TextEncoder();

export function createWriteKey(randomBytes: (n: number) => Uint8Array = secureRandomBytes): string {
  const bytes = randomBytes(KEY_BYTES);
  // A short buffer from a broken source would silently produce a guessable key.
  if (bytes.length !== KEY_BYTES) throw new RangeError(`randomBytes returned ${bytes.length} bytes, wanted ${KEY_BYTES}`);
  return encodeBase64Url(bytes);
}

/** Callers validate the key first (isWriteKey); any string hashes, so this never throws. */
export function deriveViewId(writeKey: string): string {
  return hashUnderDomain(VIEW_ID_DOMAIN, writeKey);
}

/**
 * The Kinesis partition key for a session's records: deterministic per write key, so a session stays on one
 * shard (in order), but not derivable from the view id. Same length and alphabet as a view id.
 */
export function derivePartitionKey(writeKey: string): string {
  return hashUnderDomain(PARTITION_KEY_DOMAIN, writeKey);
}

export function isWriteKey(s: unknown): s is string {
  return typeof s === 'string' && KEY_PATTERN.test(s);
}

export function isViewId(s: unknown): s is string {
  return typeof s === 'string' && KEY_PATTERN.test(s);
}

export const DEFAULT_VIEW_ID_CACHE_SIZE = 1024;

/**
 * A bounded least-recently-used memo of deriveViewId. A shard carries few live sessions at a time, so a
 * small cache turns almost every derivation into a map lookup without growing with every key ever seen.
 */
export function createViewIdCache(
  max: number = DEFAULT_VIEW_ID_CACHE_SIZE,
  derive: (writeKey: string) => string = deriveViewId,
): (writeKey: string) => string {
  if (!Number.isSafeInteger(max) || max < 1) throw new RangeError(`cache size must be a positive integer, got ${max}`);
  const cache = new Map<string, string>();
  return (writeKey) => {
    const cached = cache.get(writeKey);
    if (cached !== undefined) {
      // Re-inserting moves the entry to the back of Map's insertion order, which is the recency order.
      cache.delete(writeKey);
      cache.set(writeKey, cached);
      return cached;
    }
    const viewId = derive(writeKey);
    cache.set(writeKey, viewId);
    if (cache.size > max) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    return viewId;
  };
}

function hashUnderDomain(domain: string, writeKey: string): string {
  const digest = sha256(utf8.encode(domain + writeKey));
  return encodeBase64Url(digest.subarray(0, KEY_BYTES));
}

function secureRandomBytes(n: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(n));
}

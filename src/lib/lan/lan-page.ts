// What the embedded stack's opt-in LAN mode (config.json's `lan`, src/core/runtime-config.ts) changes on a page:
// where links point, whether to offer the phone card, and when this device does not trust the certificate.
// Pure, so the decisions are unit-tested without a browser; the words are in lan-words.ts.
import type { LanConfig } from '../../core/runtime-config.ts';

/**
 * The origin share, overlay and group links are built on. In LAN mode it is the HTTPS origin on the machine's LAN
 * address, so a link made on the laptop's loopback page (`http://127.0.0.1:8080`) opens on a phone on the same
 * network; otherwise the page's own origin (loopback, or the CloudFront domain in AWS).
 */
export function chooseShareOrigin(pageOrigin: string, lan: LanConfig | null): string {
  return lan?.shareOrigin ?? pageOrigin;
}

/**
 * Whether to offer "Use your phone": only in LAN mode, and only on a page that is not itself on the LAN server.
 * The LAN server speaks HTTPS alone and the loopback server plain HTTP, so the scheme tells them apart even when
 * the page was opened by the local host name rather than the address in `shareOrigin`.
 */
export function offersPhoneCard(pageProtocol: string, lan: LanConfig | null): boolean {
  return lan !== null && pageProtocol !== 'https:';
}

/** The name of the DOMException (or Error) a browser API rejected with, or null for anything else. */
export type ErrorName = string | null;

/**
 * Whether a failure means this device does not trust the LAN certificate. Chromium lets a person click through
 * its warning, and the page then loads, but registering the service worker fails with a SecurityError ("An SSL
 * certificate error occurred when fetching the script") and Web Bluetooth may refuse with one too. Only on an
 * HTTPS page in LAN mode: elsewhere a SecurityError has other causes (an http page that is not loopback, a
 * blocked permission) and the generic messages stand.
 */
export function meansUntrustedCertificate(pageProtocol: string, lan: LanConfig | null, errorName: ErrorName): boolean {
  return lan !== null && pageProtocol === 'https:' && errorName === 'SecurityError';
}

/** The name to judge a rejection by: DOMException and Error carry one; a thrown string or object does not. */
export function errorNameOf(error: unknown): ErrorName {
  if (error instanceof Error) return error.name;
  if (typeof DOMException !== 'undefined' && error instanceof DOMException) return error.name;
  return null;
}

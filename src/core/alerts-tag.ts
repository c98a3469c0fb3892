// A short tag of the shared alerts a viewer was last told about (SessionBody/ReadingsBody `alertsTag`). The viewer
// sends it back with its long-poll, and the live API answers at once when the alerts it would serve now have
// another tag: a "no data" alert fired by the alert clock, or rules withdrawn, reach a waiting viewer without a
// reading, and one that changed between two requests is not missed until the wait runs out.
//
// Only the server computes it, over the body it serves; the viewer echoes it unchanged, so the two never need to
// agree on how JSON is written. A collision (2^-32) only delays an update to the next answer.
import type { SessionAlerts } from './live-api-types.ts';

export const ALERTS_TAG_PATTERN = /^[0-9a-f]{8}$/;

/** 8 hex digits of FNV-1a (32 bit) over the alerts as served; `undefined` (none served) has a tag too. */
export function alertsTagOf(alerts: SessionAlerts | undefined): string {
  const text = JSON.stringify(alerts ?? null);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}

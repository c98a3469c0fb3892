// Whether the number on screen is current. Users' top complaint about comparable apps is a frozen value
// shown as if live after the sensor drops, so every view marks a reading stale once it is old.

// Sensors notify about once a second: three missed notifications is a dropout, not jitter.
export const STALE_AFTER_MS = 3000;

/**
 * The one staleness rule, used by the broadcaster, the live API and the viewer page: a reading is stale once
 * it is more than staleAfterMs old (exactly staleAfterMs is still live).
 */
export function livenessOf(
  lastReadingAt: number | null,
  nowMs: number,
  staleAfterMs: number = STALE_AFTER_MS,
): 'live' | 'stale' | 'none' {
  if (lastReadingAt === null) return 'none';
  // A reading stamped slightly in the future (clock skew between devices) is still live.
  return nowMs - lastReadingAt > staleAfterMs ? 'stale' : 'live';
}

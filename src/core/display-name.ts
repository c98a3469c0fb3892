// The broadcaster's display name (docs/using.md "Display name"): the one rule for the app that sends it, the consumer
// that decodes it and the pages that show it. A name reaches every viewer of a share link, so it is plain text, short,
// and cannot carry characters that reorder or hide what is around it on a viewer's screen.

/** At most this many Unicode code points (an emoji such as 😀 is one, though JavaScript counts it as two). */
export const MAX_DISPLAY_NAME_LENGTH = 40;

// Control (Cc), format (Cf) and lone surrogates (Cs). Format characters include the bidi overrides and isolates
// (U+202A–202E, U+2066–2069) that could flip a neighbouring tile's text, and zero-width characters that make two
// names look alike. Whitespace is collapsed before this check, so a tab or newline becomes a space rather than a refusal.
const REFUSED = /[\p{Cc}\p{Cf}\p{Cs}]/u;
// Zero-width non-joiner and joiner are format characters, but names need them: Persian and Indic scripts use the
// first, emoji sequences (👩‍💻, family emoji) the second. Neither reorders text.
const ALLOWED_FORMAT = /[\u200C\u200D]/gu;
const WHITESPACE_RUN = /\s+/gu;

/**
 * The name as it is stored and shown: NFC, trimmed, each run of whitespace one space. `''` clears the name. null when
 * the value is not a string, holds a control or format character, or is longer than MAX_DISPLAY_NAME_LENGTH code points.
 */
export function normalizeDisplayName(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  // A cheap first cut before any work on a hostile megabyte: 40 code points are at most 80 UTF-16 units, and a few
  // whitespace runs to collapse may come on top; 4 × the limit is generous for honest input.
  if (value.length > MAX_DISPLAY_NAME_LENGTH * 4) return null;
  const name = value.normalize('NFC').replace(WHITESPACE_RUN, ' ').trim();
  if (REFUSED.test(name.replace(ALLOWED_FORMAT, ''))) return null;
  return displayNameLength(name) <= MAX_DISPLAY_NAME_LENGTH ? name : null;
}

/** Length in code points, as the limit counts it (and as the app's counter shows it). */
export function displayNameLength(name: string): number {
  let count = 0;
  for (const _ of name) count++;
  return count;
}

// The overlay's settings, read from a share link's query string (/v/{viewId}?overlay=graph&color=ffcc00…) and
// written back by the overlay builder. Streaming software shows whatever the page shows and nobody is there to
// read an error, so a value that does not pass falls back to its default instead of failing the page. Every
// value that reaches CSS is rebuilt here from a checked shape (hex digits, an integer, a name of letters, digits,
// spaces and hyphens), never passed through as the URL spelled it.
import { DEFAULT_MAX_HR, isPlausibleMaxHr } from '../../core/zones.ts';

export const OVERLAY_STYLES = ['number', 'heart', 'graph', 'zone'] as const;
export type OverlayStyle = (typeof OVERLAY_STYLES)[number];

/** Font stacks offered by name; any other name of the safe shape is tried as an installed font. */
export const OVERLAY_FONTS = {
  system: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  sans: 'Arial, Helvetica, sans-serif',
  serif: 'Georgia, "Times New Roman", serif',
  mono: 'ui-monospace, Menlo, Consolas, monospace',
  rounded: 'ui-rounded, "Arial Rounded MT Bold", system-ui, sans-serif',
} as const;

export const OVERLAY_SIZE_PX = { min: 24, max: 320 } as const;
export const OVERLAY_MINUTES = { min: 1, max: 5 } as const;
const FONT_NAME = /^[A-Za-z0-9][A-Za-z0-9 -]{0,39}$/;
const HEX = /^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/;

export interface OverlayParams {
  style: OverlayStyle;
  /** Colour of the number and the graph, `#rrggbb`. */
  color: string;
  /** Background, `#rrggbb`; null for transparent (the default: streaming software composites the page). */
  bg: string | null;
  /** Height of the number's digits in CSS pixels. */
  size: number;
  /** A key of OVERLAY_FONTS or a font name of the safe shape. */
  font: string;
  /** Minutes the graph shows. */
  minutes: number;
  /** Max HR for zone colours from the link; the broadcaster's own, when the server sends it, wins. */
  maxHr: number | null;
  /** Shows "bpm" after the number. */
  unit: boolean;
}

export const DEFAULT_OVERLAY: OverlayParams = {
  style: 'number',
  color: '#ffffff',
  bg: null,
  size: 96,
  font: 'system',
  minutes: 2,
  maxHr: null,
  unit: false,
};

/** The overlay a query string asks for; null when it asks for none (no `overlay`, or `overlay=0`). */
export function parseOverlayParams(search: string): OverlayParams | null {
  const params = new URLSearchParams(search);
  const overlay = params.get('overlay');
  if (overlay === null || overlay === '0') return null;
  const read = (name: string): string | null => params.get(name);
  return {
    // `overlay=1` and `overlay=` are the links from before there were styles: the number.
    style: OVERLAY_STYLES.find((style) => style === overlay) ?? DEFAULT_OVERLAY.style,
    color: hexColor(read('color')) ?? DEFAULT_OVERLAY.color,
    bg: hexColor(read('bg')) ?? DEFAULT_OVERLAY.bg,
    size: integerIn(read('size'), OVERLAY_SIZE_PX) ?? DEFAULT_OVERLAY.size,
    font: fontName(read('font')) ?? DEFAULT_OVERLAY.font,
    minutes: integerIn(read('minutes'), OVERLAY_MINUTES) ?? DEFAULT_OVERLAY.minutes,
    maxHr: plausibleMaxHr(read('max')),
    unit: read('unit') === '1',
  };
}

/** The query string for these settings, defaults left out: `overlay=<style>` always comes first. */
export function overlayQuery(params: OverlayParams): string {
  const query = new URLSearchParams({ overlay: params.style });
  if (params.color !== DEFAULT_OVERLAY.color) query.set('color', params.color.slice(1));
  if (params.bg !== null) query.set('bg', params.bg.slice(1));
  if (params.size !== DEFAULT_OVERLAY.size) query.set('size', String(params.size));
  if (params.font !== DEFAULT_OVERLAY.font) query.set('font', params.font);
  if (params.style === 'graph' && params.minutes !== DEFAULT_OVERLAY.minutes) query.set('minutes', String(params.minutes));
  if (params.maxHr !== null) query.set('max', String(params.maxHr));
  if (params.unit) query.set('unit', '1');
  return query.toString();
}

/**
 * The max HR the zone style colours by: the broadcaster's own when the server sends it (set in their app, so it is
 * theirs, not a guess in a link), else the link's `max`, else the app's default.
 */
export function zoneMaxHrOf(serverMaxHr: number | null, params: OverlayParams): number {
  return serverMaxHr ?? params.maxHr ?? DEFAULT_MAX_HR;
}

/** The CSS font-family for a checked font: a stack from the list, else the name quoted (it holds no quote). */
export function fontFamilyOf(font: string): string {
  // Own keys only: a font named "toString" or "constructor" is a name to try, not the object's inherited member.
  if (Object.hasOwn(OVERLAY_FONTS, font)) return (OVERLAY_FONTS as Record<string, string>)[font] as string;
  return FONT_NAME.test(font) ? `"${font}", ${OVERLAY_FONTS.system}` : OVERLAY_FONTS.system;
}

/** `#rrggbb` in lower case from `rgb`, `rrggbb`, with or without `#`; null for anything else. */
function hexColor(value: string | null): string | null {
  const digits = value === null ? undefined : HEX.exec(value.trim())?.[1];
  if (digits === undefined) return null;
  const six = digits.length === 3 ? [...digits].map((d) => d + d).join('') : digits;
  return `#${six.toLowerCase()}`;
}

function integerIn(value: string | null, range: { min: number; max: number }): number | null {
  if (value === null || !/^\d{1,4}$/.test(value)) return null;
  const n = Number(value);
  return n >= range.min && n <= range.max ? n : null;
}

function fontName(value: string | null): string | null {
  if (value === null) return null;
  const name = value.trim();
  return FONT_NAME.test(name) ? name : null;
}

function plausibleMaxHr(value: string | null): number | null {
  if (value === null || !/^\d{1,3}$/.test(value)) return null;
  const n = Number(value);
  return isPlausibleMaxHr(n) ? n : null;
}

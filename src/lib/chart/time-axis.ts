// Time-axis labels for the heart-rate chart. uPlot's default time labels add a second line with the date and
// switch formats by zoom ("11/30/26 1:39pm" over ":30"); on a phone they run into each other, and the long
// first label is cut off at the chart's edge. One short line in the reader's locale, with seconds only when
// ticks are less than a minute apart, and room for the widest such label between ticks, avoids both.

const MINUTES = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const SECONDS = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit', second: '2-digit' });

// Minimum CSS pixels between two ticks: the widest label plus a gap. "10:59:59 PM" is about 70 px at uPlot's
// 12 px axis font, "10:59 PM" about 52 px.
const SPACE_WITH_SECONDS = 84;
const SPACE_MINUTES = 66;

/**
 * Tick steps in seconds. uPlot's own list jumps from 1 to 5 minutes, which leaves a 5-minute window on a phone
 * with a single label; 2 minutes fits there.
 */
export const TIME_TICK_INCREMENTS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400];

/** Half the widest label: how far a label at the plot's edge reaches past it. */
export const TIME_LABEL_OVERHANG = 40;

/** Minimum pixels between ticks for `rangeSeconds` drawn over `plotPx`: less when no label needs seconds. */
export function timeTickSpace(rangeSeconds: number, plotPx: number): number {
  const narrowStepSeconds = (rangeSeconds / Math.max(1, plotPx)) * SPACE_MINUTES;
  return narrowStepSeconds >= 60 ? SPACE_MINUTES : SPACE_WITH_SECONDS;
}

/** Labels for tick times in epoch seconds (uPlot's unit), `incrementSeconds` apart. */
export function formatTimeTicks(ticks: readonly number[], incrementSeconds: number): string[] {
  const format = incrementSeconds < 60 ? SECONDS : MINUTES;
  return ticks.map((t) => format.format(t * 1000));
}

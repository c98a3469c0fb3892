/** The colours a canvas chart draws with. Canvas cannot use CSS variables, so they are read from the tokens. */
export interface ChartColors {
  line: string;
  axis: string;
  grid: string;
}

// The dark scheme's tokens (src/app.css), for an element outside the document or a page without the stylesheet.
const FALLBACK: ChartColors = { line: '#ff4d6d', axis: '#9aa3b2', grid: '#262b36' };

/** The colour tokens in force at `element`, so a chart follows the light or dark scheme like the text around it. */
export function readChartColors(element: Element): ChartColors {
  const style = getComputedStyle(element);
  const token = (name: string, fallback: string): string => style.getPropertyValue(name).trim() || fallback;
  return { line: token('--accent', FALLBACK.line), axis: token('--muted', FALLBACK.axis), grid: token('--line', FALLBACK.grid) };
}

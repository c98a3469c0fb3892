import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_OVERLAY,
  OVERLAY_FONTS,
  OVERLAY_STYLES,
  fontFamilyOf,
  overlayQuery,
  parseOverlayParams,
  zoneMaxHrOf,
  type OverlayParams,
} from '../../../src/lib/viewer/overlay-params.ts';
import { overlayLinkFor, parseViewRoute } from '../../../src/lib/viewer/view-route.ts';

const VIEW_ID = 'AAAAAAAAAAAAAAAAAAAAAA';
// What may reach CSS: a colour of six hex digits, a font stack of names, commas, spaces, hyphens and quotes.
const SAFE_COLOR = /^#[0-9a-f]{6}$/;
const SAFE_FONT_FAMILY = /^[A-Za-z0-9 ,"'-]+$/;

const hex6 = fc.stringMatching(/^#[0-9a-f]{6}$/);
const fontName = fc.oneof(
  fc.constantFrom(...Object.keys(OVERLAY_FONTS)),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9 -]{0,38}[A-Za-z0-9-]$/),
);
const overlayParams: fc.Arbitrary<OverlayParams> = fc.record({
  style: fc.constantFrom(...OVERLAY_STYLES),
  color: hex6,
  bg: fc.option(hex6, { nil: null }),
  size: fc.integer({ min: 24, max: 320 }),
  font: fontName,
  minutes: fc.integer({ min: 1, max: 5 }),
  maxHr: fc.option(fc.integer({ min: 100, max: 230 }), { nil: null }),
  unit: fc.boolean(),
});

describe('parseOverlayParams', () => {
  it.each(['', '?overlay=0', '?color=ff0000'])('asks for no overlay with %j', (search) => {
    // Act
    const params = parseOverlayParams(search);
    // Assess
    expect(params).toBeNull();
  });

  it.each(['?overlay=1', '?overlay', '?overlay=', '?overlay=number', '?overlay=sparkles'])(
    'keeps old links and unknown styles on the number: %j',
    (search) => {
      // Act
      const params = parseOverlayParams(search);
      // Assess
      expect(params).toEqual(DEFAULT_OVERLAY);
    },
  );

  it('reads every setting', () => {
    // Act
    const params = parseOverlayParams('?overlay=graph&color=%23FFcc00&bg=123&size=140&font=Open%20Sans&minutes=4&max=182&unit=1');
    // Assess
    expect(params).toEqual({
      style: 'graph',
      color: '#ffcc00',
      bg: '#112233',
      size: 140,
      font: 'Open Sans',
      minutes: 4,
      maxHr: 182,
      unit: true,
    });
  });

  it.each([
    ['color', 'red'],
    ['color', '#12345'],
    ['color', 'ff0000;background:url(x)'],
    ['bg', 'transparent'],
    ['size', '23'],
    ['size', '321'],
    ['size', '1e2'],
    ['size', '-50'],
    ['font', 'Arial;}body{display:none'],
    ['font', '"Comic Sans"'],
    ['font', 'x'.repeat(41)],
    ['minutes', '0'],
    ['minutes', '6'],
    ['minutes', '2.5'],
    ['max', '99'],
    ['max', '231'],
    ['max', '190.5'],
    ['unit', 'yes'],
  ])('falls back to the default for %s=%j', (name, value) => {
    // Act
    const params = parseOverlayParams(`?overlay=zone&${name}=${encodeURIComponent(value)}`);
    // Assess
    expect(params).toEqual({ ...DEFAULT_OVERLAY, style: 'zone' });
  });

  it.each(['toString', 'constructor', 'hasOwnProperty'])('takes a font named %s as a name to try, not an inherited member', (font) => {
    // Act
    const family = fontFamilyOf(font);
    // Assess
    expect(family).toBe(`"${font}", ${fontFamilyOf('system')}`);
  });

  it('never throws and lets only checked shapes through, whatever the query string', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('overlay', 'color', 'bg', 'size', 'font', 'minutes', 'max', 'unit', 'x'), fc.string()), (entries) => {
        // Prepare
        const search = new URLSearchParams({ overlay: '1', ...entries }).toString();
        // Act
        const params = parseOverlayParams(search);
        // Assess
        if (params === null) return;
        expect(OVERLAY_STYLES).toContain(params.style);
        expect(params.color).toMatch(SAFE_COLOR);
        if (params.bg !== null) expect(params.bg).toMatch(SAFE_COLOR);
        expect(Number.isInteger(params.size) && params.size >= 24 && params.size <= 320).toBe(true);
        expect(Number.isInteger(params.minutes) && params.minutes >= 1 && params.minutes <= 5).toBe(true);
        expect(fontFamilyOf(params.font)).toMatch(SAFE_FONT_FAMILY);
      }),
    );
  });
});

describe('overlayQuery', () => {
  it('reads back as the settings it was written from', () => {
    fc.assert(
      fc.property(overlayParams, (params) => {
        // Act
        const read = parseOverlayParams(overlayQuery(params));
        // Assess: minutes only matter to the graph, so other styles leave them out
        expect(read).toEqual(params.style === 'graph' ? params : { ...params, minutes: DEFAULT_OVERLAY.minutes });
      }),
    );
  });

  it('writes only the style for the defaults', () => {
    // Act
    const query = overlayQuery(DEFAULT_OVERLAY);
    // Assess
    expect(query).toBe('overlay=number');
  });
});

describe('zoneMaxHrOf', () => {
  it.each([
    { server: 175, link: 182, used: 175 },
    { server: null, link: 182, used: 182 },
    { server: null, link: null, used: 190 },
  ])('colours by $used with $server from the server and $link from the link', ({ server, link, used }) => {
    // Act
    const maxHr = zoneMaxHrOf(server, { ...DEFAULT_OVERLAY, style: 'zone', maxHr: link });
    // Assess
    expect(maxHr).toBe(used);
  });
});

describe('fontFamilyOf', () => {
  it('gives the stack of a listed font and quotes any other name before the system stack', () => {
    // Act
    const listed = fontFamilyOf('mono');
    const named = fontFamilyOf('Open Sans');
    const bad = fontFamilyOf('a";}');
    // Assess
    expect(listed).toBe(OVERLAY_FONTS.mono);
    expect(named).toBe(`"Open Sans", ${OVERLAY_FONTS.system}`);
    expect(bad).toBe(OVERLAY_FONTS.system);
  });
});

describe('a share link with an overlay', () => {
  it('is read by the viewer route as the settings the builder wrote', () => {
    fc.assert(
      fc.property(overlayParams, (params) => {
        // Prepare
        const url = new URL(overlayLinkFor(`http://127.0.0.1:8080/v/${VIEW_ID}`, { ...params, style: 'graph' }));
        // Act
        const route = parseViewRoute(url.pathname, url.search);
        // Assess
        expect(route).toEqual({ viewId: VIEW_ID, overlay: { ...params, style: 'graph' } });
      }),
    );
  });

  it('without ?overlay is the viewer page', () => {
    // Act
    const route = parseViewRoute(`/v/${VIEW_ID}`, '');
    // Assess
    expect(route).toEqual({ viewId: VIEW_ID, overlay: null });
  });
});

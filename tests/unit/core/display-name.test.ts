import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_DISPLAY_NAME_LENGTH, displayNameLength, normalizeDisplayName } from '../../../src/core/display-name.ts';

describe('normalizeDisplayName', () => {
  it('trims, collapses whitespace runs (tabs and newlines included) and composes to NFC', () => {
    // Prepare
    const decomposed = '  Zoe\u0308  \t Smith\n';

    // Act
    const name = normalizeDisplayName(decomposed);

    // Assess
    expect(name).toBe('Zo\u00eb Smith');
  });

  it('keeps HTML as the plain text it is: showing it as text is the page’s job', () => {
    expect(normalizeDisplayName('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });

  it('counts code points: 40 emoji pass, 41 do not, though JavaScript sees 80 and 82 units', () => {
    // Prepare
    const forty = '😀'.repeat(40);

    // Act + Assess
    expect(forty.length).toBe(80);
    expect(normalizeDisplayName(forty)).toBe(forty);
    expect(normalizeDisplayName(`${forty}😀`)).toBeNull();
    expect(normalizeDisplayName('a'.repeat(MAX_DISPLAY_NAME_LENGTH))).toHaveLength(40);
    expect(normalizeDisplayName('a'.repeat(41))).toBeNull();
  });

  it('keeps zero-width joiners, so emoji sequences and Persian names pass', () => {
    expect(normalizeDisplayName('👩‍💻 Dev')).toBe('👩‍💻 Dev');
    expect(normalizeDisplayName('می\u200Cخواهم')).toBe('می\u200Cخواهم');
  });

  it.each([
    ['a right-to-left override', 'Ann\u202Eevil'],
    ['a left-to-right isolate', 'Ann\u2066x\u2069'],
    ['a zero-width space', 'Ann\u200Bx'],
    ['a soft hyphen', 'An\u00ADn'],
    ['a NUL', 'A\u0000B'],
    ['an escape', 'A\u001B[31mB'],
    ['a lone surrogate', 'A\uD800B'],
  ])('refuses %s', (_, value) => {
    expect(normalizeDisplayName(value)).toBeNull();
  });

  it('takes a byte-order mark as the whitespace JavaScript counts it as', () => {
    expect(normalizeDisplayName('\uFEFFAnn\uFEFFLee')).toBe('Ann Lee');
  });

  it('turns whitespace alone into the empty name, which clears it', () => {
    expect(normalizeDisplayName(' \t ')).toBe('');
  });

  it('refuses what is not a string, and a huge string before any work on it', () => {
    expect(normalizeDisplayName(42)).toBeNull();
    expect(normalizeDisplayName(null)).toBeNull();
    expect(normalizeDisplayName(' '.repeat(10_000))).toBeNull();
  });

  it('is idempotent and within the limit for anything it accepts', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), (value) => {
        // Act
        const name = normalizeDisplayName(value);

        // Assess
        if (name === null) return;
        expect(normalizeDisplayName(name)).toBe(name);
        expect(displayNameLength(name)).toBeLessThanOrEqual(MAX_DISPLAY_NAME_LENGTH);
        expect(name).toBe(name.trim());
        expect(name).not.toMatch(/\s{2}/u);
      }),
    );
  });
});

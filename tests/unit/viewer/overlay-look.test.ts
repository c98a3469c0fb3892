import { describe, expect, it } from 'vitest';
import { overlayLookOf } from '../../../src/lib/viewer/overlay-look.ts';

describe('overlayLookOf', () => {
  it.each([
    { status: 'live', look: { number: true, dim: false, word: null } },
    { status: 'stale', look: { number: true, dim: true, word: 'paused' } },
    { status: 'offline', look: { number: true, dim: true, word: 'paused' } },
    { status: 'ended', look: { number: true, dim: true, word: 'ended' } },
    { status: 'revoked', look: { number: false, dim: true, word: 'off' } },
    { status: 'expired', look: { number: false, dim: true, word: 'off' } },
    { status: 'connecting', look: { number: true, dim: true, word: null } },
  ] as const)('shows $status discreetly as $look.word', ({ status, look }) => {
    // Act
    const shown = overlayLookOf(status);
    // Assess
    expect(shown).toEqual(look);
  });
});

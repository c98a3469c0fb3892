import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HeartRateAnnouncer } from '../../../src/core/heart-rate-announcer.ts';

describe('HeartRateAnnouncer', () => {
  it('speaks a status change once, not again while the status stays', () => {
    // Prepare
    const announcer = new HeartRateAnnouncer();

    // Act / Assess
    announcer.observeStatus('Live');
    expect(announcer.text).toBe('Live.');
    announcer.observeStatus('Live');
    expect(announcer.text).toBe('Live.');
    announcer.observeStatus('Reconnecting…');
    expect(announcer.text).toBe('Reconnecting.');
  });

  it('does not change while readings arrive with the same status, whatever they are', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 30, max: 220 }), { maxLength: 100 }), (bpms) => {
        // Prepare
        const announcer = new HeartRateAnnouncer();
        announcer.observeStatus('Live');
        const before = announcer.text;

        // Act: the page reports the status on every reading, as the components do
        for (const _bpm of bpms) announcer.observeStatus('Live');

        // Assess
        return announcer.text === before;
      }),
    );
  });

  it('speaks the value on request, and again on a repeated request', () => {
    // Prepare
    const announcer = new HeartRateAnnouncer();
    announcer.observeStatus('Live');

    // Act
    announcer.request(72, 'Live');
    const first = announcer.text;
    announcer.request(72, 'Live');
    const second = announcer.text;
    announcer.request(72, 'Live');

    // Assess: the words, and a change each time so the screen reader speaks it again
    expect(first).toBe('Heart rate 72 beats per minute. Live.');
    expect(second).not.toBe(first);
    expect(second.trim()).toBe(first);
    expect(announcer.text).toBe(first);
  });

  it('says when there is no value to read', () => {
    const announcer = new HeartRateAnnouncer();
    announcer.request(null, 'Not connected');
    expect(announcer.text).toBe('No heart rate shown. Not connected.');
  });
});

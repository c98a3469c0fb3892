import { describe, expect, it } from 'vitest';
import type { SessionStatus } from '../../../src/core/live-api-types.ts';
import type { ClockSample } from '../../../src/core/clock-offset.ts';
import { ControlConfirmation, UNCONFIRMED_AFTER_MS, type ConfirmationSnapshot } from '../../../src/lib/uplink/control-confirmation.ts';

const T0 = Date.UTC(2026, 10, 28, 12);

/** A live API that answers from a script of statuses (an Error for an unreachable one), and a clock each poll moves on. */
function rig(answers: Array<SessionStatus | Error>, opts: { online?: boolean } = {}) {
  let clock = T0;
  const asked: string[] = [];
  const samples: ClockSample[] = [];
  const phases: Array<ConfirmationSnapshot['phase']> = [];
  const confirmation = new ControlConfirmation({
    getSession: async (viewId) => {
      asked.push(viewId);
      const answer = answers[Math.min(asked.length - 1, answers.length - 1)] as SessionStatus | Error;
      clock += 40;
      if (answer instanceof Error) throw answer;
      return { status: answer, serverTime: clock - 600_000 };
    },
    delay: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    isOnline: () => opts.online ?? true,
    observeClock: (sample) => samples.push(sample),
  });
  confirmation.subscribe((s) => {
    if (s !== null) phases.push(s.phase);
  });
  return { confirmation, asked, samples, phases };
}

describe('ControlConfirmation', () => {
  it('is pending until the live API shows the link revoked, then confirmed', async () => {
    // Prepare
    const { confirmation, asked, phases } = rig(['live', 'live', 'revoked']);

    // Act
    await confirmation.confirm('link-off', 'VIEW');

    // Assess
    expect(asked).toEqual(['VIEW', 'VIEW', 'VIEW']);
    expect(phases).toEqual(['pending', 'confirmed']);
    expect(confirmation.snapshot).toEqual({ action: 'link-off', phase: 'confirmed' });
  });

  it('confirms a stop by the end mark, or by a link that no longer shows the session', async () => {
    const ended = rig(['stale', 'ended']);
    const revoked = rig(['revoked']);

    await ended.confirmation.confirm('stop', 'VIEW');
    await revoked.confirmation.confirm('stop', 'VIEW');

    expect(ended.confirmation.snapshot).toEqual({ action: 'stop', phase: 'confirmed' });
    expect(revoked.confirmation.snapshot).toEqual({ action: 'stop', phase: 'confirmed' });
  });

  it('says it is unconfirmed when it stays so, keeps asking, and confirms when it shows', async () => {
    // Prepare: the server keeps showing the session live for longer than the pending time.
    const polls = Math.ceil(UNCONFIRMED_AFTER_MS / 1000) + 3;
    const { confirmation, phases } = rig([...new Array<SessionStatus>(polls).fill('live'), 'revoked']);

    // Act
    await confirmation.confirm('link-off', 'VIEW');

    // Assess
    expect(phases).toEqual(['pending', 'unconfirmed', 'confirmed']);
  });

  it('says at once that it cannot confirm while offline', async () => {
    // Prepare
    const { confirmation, phases } = rig([new TypeError('Failed to fetch'), 'revoked'], { online: false });

    // Act
    await confirmation.confirm('link-off', 'VIEW');

    // Assess
    expect(phases).toEqual(['pending', 'unconfirmed', 'confirmed']);
  });

  it('gives each answer to the server clock as a millisecond sample', async () => {
    const { confirmation, samples } = rig(['revoked']);

    await confirmation.confirm('link-off', 'VIEW');

    expect(samples).toEqual([{ sentAt: T0, receivedAt: T0 + 40, serverTime: T0 + 40 - 600_000, resolutionMs: 1 }]);
  });

  it('ends a confirmation under way when stopped or replaced', async () => {
    // Prepare
    const { confirmation, asked } = rig(['live']);
    const first = confirmation.confirm('link-off', 'OLD');

    // Act
    confirmation.stop();
    await first;

    // Assess
    expect(asked).toEqual(['OLD']);
    expect(confirmation.snapshot).toEqual({ action: 'link-off', phase: 'pending' });
  });
});

// How an overlay shows the session's status. A stream keeps running whatever the broadcaster does, so a pause
// or an end must be visible without taking over the picture: the number dims and a small word says why. A link
// that was turned off or expired shows no number at all, as the viewer page does.
import type { ViewerStatus } from './viewer-status.ts';

export interface OverlayLook {
  /** Whether the heart rate is shown at all. */
  number: boolean;
  /** Shown, but not live: dimmed. */
  dim: boolean;
  /** A small word beside it; null while live. */
  word: string | null;
}

const LOOKS: Record<ViewerStatus, OverlayLook> = {
  live: { number: true, dim: false, word: null },
  // Before the first answer, or a link whose broadcast has not started yet: a dash, nothing to explain.
  connecting: { number: true, dim: true, word: null },
  unknown: { number: true, dim: true, word: null },
  stale: { number: true, dim: true, word: 'paused' },
  offline: { number: true, dim: true, word: 'paused' },
  ended: { number: true, dim: true, word: 'ended' },
  revoked: { number: false, dim: true, word: 'off' },
  expired: { number: false, dim: true, word: 'off' },
};

export function overlayLookOf(status: ViewerStatus): OverlayLook {
  return LOOKS[status];
}

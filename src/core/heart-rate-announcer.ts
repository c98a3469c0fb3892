// What a screen reader hears about the heart rate through one polite live region. A region that changed with
// every reading would talk once a second and drown everything else, so it speaks only when the status changes
// (live, no data, reconnecting, ended …) and when the person asks for the value.

// Screen readers speak a live region when its text changes: a repeated request alternates this invisible
// ending so the same words are spoken again.
const REPEAT_MARK = '\u00a0';

/** "Reconnecting…" is spoken as "Reconnecting.": a sentence, not an ellipsis read out. */
const asSentence = (status: string): string => `${status.replace(/[….\s]+$/u, '')}.`;

export class HeartRateAnnouncer {
  #status: string | null = null;
  #text = '';

  /** What the live region holds now. */
  get text(): string {
    return this.#text;
  }

  /** The status as shown (without counters such as "for 12 s"); the region changes only when it differs. */
  observeStatus(status: string): void {
    if (status === this.#status) return;
    this.#status = status;
    this.#text = asSentence(status);
  }

  /** The person asked: the value and status now, spoken even if it was spoken a moment ago. */
  request(bpm: number | null, status: string): void {
    const words = `${bpm === null ? 'No heart rate shown.' : `Heart rate ${bpm} beats per minute.`} ${asSentence(status)}`;
    this.#text = this.#text === words ? words + REPEAT_MARK : words;
  }
}

// What every export format agrees on about a reading, so the four files never disagree about the same session:
// which readings have a time a file can carry, which heart rates a one-byte field can hold, and the summary
// figures (average, maximum, energy) the TCX lap and the FIT lap and session repeat.

// FIT counts seconds from 1989-12-31 in an unsigned field; TCX and CSV could hold more, but one rule for all four
// keeps the files in step. A time outside 1990..2100 is a broken clock, not a session.
const EARLIEST_MS = Date.UTC(1990, 0, 1);
const LATEST_MS = Date.UTC(2100, 0, 1);

export function isExportableTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= EARLIEST_MS && ms < LATEST_MS;
}

// How long the speed layer keeps a session after its last activity. Live views need hours, not months: history
// lives in S3 and Athena, which keep every reading the stream accepted. Without it every write key ever used
// (and a hostile writer can make one per record) would stay in the sessions index for good.

export const SESSION_RETENTION = {
  // The same as the reading indices' ISM retention in AWS (DEFAULTS.speedLayer.retentionDays, asserted equal by
  // the infra tests), so a session and its readings go at about the same time in both worlds.
  days: 7,
  // How often the deletion runs: hourly keeps the overrun within an hour of the retention, at one cheap query.
  everyMinutes: 60,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Sessions last active before this time, epoch ms, are deleted. */
export function sessionRetentionCutoff(now: number, days: number): number {
  return now - days * DAY_MS;
}

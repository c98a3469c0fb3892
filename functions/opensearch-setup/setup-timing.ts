// The setup's clock, read once at cold start: the stack sets it from infra/cdk/defaults.ts
// (DEFAULTS.openSearchSetup), where its relation to the Provider's total timeout is kept.
import type { SetupTiming } from './check-setup.ts';

export interface SetupTimingSettings extends Omit<SetupTiming, 'startedAtMs'> {
  /** One request to the domain; a pass makes a few, one after another, inside the function's timeout. */
  requestTimeoutMs: number;
}

export const SETUP_TIMING_ENV = {
  deadlineMs: 'SETUP_DEADLINE_MS',
  dashboardsWaitMs: 'SETUP_DASHBOARDS_WAIT_MS',
  requestTimeoutMs: 'SETUP_REQUEST_TIMEOUT_MS',
} as const;

export function readSetupTiming(env: NodeJS.ProcessEnv): SetupTimingSettings {
  const read = (name: string): number => {
    const value = Number(env[name] ?? '');
    if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer of milliseconds, not "${env[name] ?? ''}"`);
    return value;
  };
  return {
    deadlineMs: read(SETUP_TIMING_ENV.deadlineMs),
    dashboardsWaitMs: read(SETUP_TIMING_ENV.dashboardsWaitMs),
    requestTimeoutMs: read(SETUP_TIMING_ENV.requestTimeoutMs),
  };
}

// One pass of the deploy-time setup, as the Provider framework's completion check runs it: a domain that is
// not ready yet (a new access policy answers 403 for a few minutes; Dashboards starts last) only means "not
// complete", and the Provider asks again later; a refusal that will not change fails at once. One overall
// deadline, counted from the start of the deployment's request, bounds the waiting; no request retries on
// its own clock.
import { applySetup, NotReadyError, SetupError, type ApplyOptions, type DomainHttp } from './apply-setup.ts';
import type { OpenSearchSetupConfig } from './setup-config.ts';

export interface SetupTiming {
  /** When the deployment asked for the setup (the Provider's onEvent), epoch ms. */
  startedAtMs: number;
  /** Give up (fail the resource, saying what the domain last answered) once this long has passed. */
  deadlineMs: number;
  /** Wait this long for a Dashboards that is not ready; after that report it as not imported and complete. */
  dashboardsWaitMs: number;
}

export type SetupProgress = { complete: true; dashboards: string } | { complete: false; waitingFor: string };

export async function checkSetup(
  http: DomainHttp,
  config: OpenSearchSetupConfig,
  timing: SetupTiming,
  now: () => number = Date.now,
  options: Pick<ApplyOptions, 'boundary'> = {},
): Promise<SetupProgress> {
  const dashboardsMayWait = now() - timing.startedAtMs < timing.dashboardsWaitMs;
  try {
    const outcome = await applySetup(notReadyOnTransient(http), config, { ...options, dashboardsMayWait });
    return { complete: true, dashboards: outcome.dashboards };
  } catch (error) {
    if (!(error instanceof NotReadyError)) throw error;
    const waitedMs = now() - timing.startedAtMs;
    if (waitedMs >= timing.deadlineMs) {
      throw new SetupError(`domain not ready after ${Math.round(waitedMs / 60_000)} min (deadline ${Math.round(timing.deadlineMs / 60_000)} min): ${error.message}`);
    }
    return { complete: false, waitingFor: error.message };
  }
}

/** Turns the answers a starting domain gives, and no answer at all, into NotReadyError; others pass through. */
export function notReadyOnTransient(http: DomainHttp): DomainHttp {
  return async (request) => {
    let response;
    try {
      response = await http(request);
    } catch (error) {
      throw new NotReadyError(`${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (response.status === 0 || response.status === 403 || response.status === 429 || response.status >= 500) {
      throw new NotReadyError(`${request.method} ${request.path} answered ${response.status}: ${response.body.slice(0, 200)}`);
    }
    return response;
  };
}

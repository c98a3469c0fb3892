// Deploy-time custom resource behind the CDK Provider framework, which calls this one function in two roles:
// as onEvent (the deployment's request: note when it started and return at once) and as isComplete (every
// query interval until it says complete: one pass of the setup, functions/opensearch-setup/check-setup.ts).
// The setup puts the live store's index templates, the retention (ISM) policy and the Dashboards saved
// objects on the domain. Delete leaves the domain alone: it is removed with the stack, and a retained domain
// keeps working.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { readRegion } from '../lib/env.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { checkSetup } from './check-setup.ts';
import { createDomainHttp } from './domain-http.ts';
import type { OpenSearchSetupConfig } from './setup-config.ts';
import { readSetupTiming } from './setup-timing.ts';

const PHYSICAL_ID = 'liveheartrate-opensearch-setup';

const region = readRegion(process.env);
const timing = readSetupTiming(process.env);

/**
 * onEvent's answer. The framework passes its fields on to every isComplete call, so `SetupStartedAt` both
 * tells the two roles apart and carries the start of the overall deadline; it is not a resource attribute.
 */
export interface OnEventResponse {
  PhysicalResourceId: string;
  SetupStartedAt?: number;
  /** Delete has nothing to wait for. */
  IsComplete?: true;
}

export interface IsCompleteResponse {
  IsComplete: boolean;
  /** Attributes of the custom resource (Fn::GetAtt); only with IsComplete true. */
  Data?: { Dashboards: string };
}

type SetupEvent = CloudFormationCustomResourceEvent & { SetupStartedAt?: number };

export async function handler(event: SetupEvent): Promise<OnEventResponse | IsCompleteResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId, IsComplete: true };
  if (event.SetupStartedAt === undefined) return { PhysicalResourceId: PHYSICAL_ID, SetupStartedAt: Date.now() };
  const endpoint = String(event.ResourceProperties['Endpoint']);
  const config = JSON.parse(String(event.ResourceProperties['Config'])) as OpenSearchSetupConfig;
  // Per event, not at cold start: the endpoint comes with the event. A fresh domain can be slow to answer.
  const client = createSignedOpenSearchClient({ endpoint, region, requestTimeoutMs: timing.requestTimeoutMs });
  try {
    const progress = await checkSetup(createDomainHttp(client), config, { ...timing, startedAtMs: event.SetupStartedAt });
    if (!progress.complete) {
      console.warn(JSON.stringify({ message: 'opensearch setup waiting for the domain', waitingFor: progress.waitingFor }));
      return { IsComplete: false };
    }
    console.log(JSON.stringify({ message: 'opensearch setup applied', dashboards: progress.dashboards }));
    return { IsComplete: true, Data: { Dashboards: progress.dashboards } };
  } finally {
    await client.close();
  }
}

// Deploy-time custom resource (run by the CDK Provider framework): puts the live store's index templates, the
// retention (ISM) policy and the Dashboards saved objects on the domain. Delete leaves the domain alone: it
// is removed with the stack, and a retained domain keeps working.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { applySetup, type DomainHttp } from './apply-setup.ts';
import type { OpenSearchSetupConfig } from './setup-config.ts';
import { createSignedHttp } from './signed-http.ts';

const PHYSICAL_ID = 'liveheartrate-opensearch-setup';
// A new domain can refuse requests for a few minutes after CloudFormation reports it created (Dashboards
// above all); the function has 10 minutes.
const RETRY_FOR_MS = 8 * 60_000;

export interface ProviderResponse {
  PhysicalResourceId: string;
  /** Attributes of the custom resource (Fn::GetAtt). */
  Data?: { Dashboards: string };
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<ProviderResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const endpointUrl = String(event.ResourceProperties['Endpoint']);
  const config = JSON.parse(String(event.ResourceProperties['Config'])) as OpenSearchSetupConfig;
  const region = process.env['AWS_REGION'];
  if (region === undefined) throw new Error('AWS_REGION is not set');
  const http = retrying(createSignedHttp({ endpointUrl, region, requestTimeoutMs: 30_000 }), RETRY_FOR_MS);
  const outcome = await applySetup(http, config);
  console.log(JSON.stringify({ message: 'opensearch setup applied', ...outcome }));
  return { PhysicalResourceId: PHYSICAL_ID, Data: { Dashboards: outcome.dashboards } };
}

/** Retries throttling, server errors and network failures with capped exponential backoff. */
export function retrying(http: DomainHttp, forMs: number, sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))): DomainHttp {
  return async (request) => {
    const deadline = Date.now() + forMs;
    for (let attempt = 0; ; attempt++) {
      const delayMs = Math.min(30_000, 2_000 * 2 ** attempt);
      try {
        const response = await http(request);
        // 403 too: a new access policy takes a moment to apply everywhere.
        const transient = response.status === 403 || response.status === 429 || response.status >= 500;
        if (!transient || Date.now() + delayMs > deadline) return response;
        console.warn(`${request.method} ${request.path}: ${response.status}, retrying in ${delayMs} ms`);
      } catch (error) {
        if (Date.now() + delayMs > deadline) throw error;
        console.warn(`${request.method} ${request.path}: ${error instanceof Error ? error.message : String(error)}, retrying in ${delayMs} ms`);
      }
      await sleep(delayMs);
    }
  };
}

// Deploy-time custom resource (run by the CDK Provider framework): puts the live store's index templates, the
// retention (ISM) policy and the Dashboards saved objects on the domain. Delete leaves the domain alone: it
// is removed with the stack, and a retained domain keeps working.
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { readRegion } from '../lib/env.ts';
import { createSignedOpenSearchClient } from '../store/opensearch-client.ts';
import { applySetup } from './apply-setup.ts';
import { createDomainHttp } from './domain-http.ts';
import { retrying } from './retrying.ts';
import type { OpenSearchSetupConfig } from './setup-config.ts';

const PHYSICAL_ID = 'liveheartrate-opensearch-setup';
// A new domain can refuse requests for a few minutes after CloudFormation reports it created (Dashboards
// above all); the function has 10 minutes.
const RETRY_FOR_MS = 8 * 60_000;

const region = readRegion(process.env);

export interface ProviderResponse {
  PhysicalResourceId: string;
  /** Attributes of the custom resource (Fn::GetAtt). */
  Data?: { Dashboards: string };
}

export async function handler(event: CloudFormationCustomResourceEvent): Promise<ProviderResponse> {
  if (event.RequestType === 'Delete') return { PhysicalResourceId: event.PhysicalResourceId };
  const endpoint = String(event.ResourceProperties['Endpoint']);
  const config = JSON.parse(String(event.ResourceProperties['Config'])) as OpenSearchSetupConfig;
  // Per event, not at cold start: the endpoint comes with the event. A fresh domain can be slow to answer.
  const client = createSignedOpenSearchClient({ endpoint, region, requestTimeoutMs: 30_000 });
  try {
    const outcome = await applySetup(retrying(createDomainHttp(client), RETRY_FOR_MS), config);
    console.log(JSON.stringify({ message: 'opensearch setup applied', ...outcome }));
    return { PhysicalResourceId: PHYSICAL_ID, Data: { Dashboards: outcome.dashboards } };
  } finally {
    await client.close();
  }
}

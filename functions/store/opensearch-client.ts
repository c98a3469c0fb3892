// The OpenSearch client the Lambdas use: SigV4-signed for the managed domain (service "es").
import { Client } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import type { AwsCredentials } from '../../src/core/aws-credentials.ts';

export interface SignedClientOptions {
  /** https://search-….es.amazonaws.com (a domain endpoint), or a test stand-in's URL. */
  endpoint: string;
  region: string;
  /** Absent: the AWS SDK's default provider chain (in Lambda, the function role's credentials). */
  getCredentials?: () => Promise<AwsCredentials>;
  /** Per request; the consumer's bulk with refresh=wait_for can take a refresh interval. */
  requestTimeoutMs?: number;
}

export function createSignedOpenSearchClient(options: SignedClientOptions): Client {
  const signer = AwsSigv4Signer({
    region: options.region,
    service: 'es',
    ...(options.getCredentials === undefined ? {} : { getCredentials: options.getCredentials }),
  });
  return new Client({
    ...signer,
    node: options.endpoint,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    // Retries belong to the event source mapping, which re-delivers from the first failed record.
    maxRetries: 0,
  });
}

// PutRecords through the AWS SDK. The SDK is imported dynamically so that first paint never waits for it.
import type { KinesisClientConfig } from '@aws-sdk/client-kinesis';
import type { AwsCredentials } from '../../core/aws-credentials.ts';
import { splitPutRecordsResult } from '../../core/uplink-rules.ts';
import type { OutboxEntry } from './outbox.ts';
import { SendFailure, toSendFailure, type PutOutcome, type RecordSender } from './record-sender.ts';

export type KinesisSdk = typeof import('@aws-sdk/client-kinesis');

export type CredentialsProvider = () => Promise<AwsCredentials>;

export interface KinesisSenderOptions {
  region: string;
  streamName: string;
  /** The emulator's (or a test proxy's) URL; absent in AWS, where the SDK's regional endpoint is used. */
  endpoint?: string;
  credentials: CredentialsProvider;
  /** Called when the stream turned the credentials down, so the next attempt fetches fresh ones. */
  onCredentialsRejected?: () => void;
  /** Node tests inject a NodeHttpHandler; the browser uses the SDK's fetch handler. */
  requestHandler?: KinesisClientConfig['requestHandler'];
  loadSdk?: () => Promise<KinesisSdk>;
  /**
   * Told the device time a request left, the device time its answer came, and the answer's `Date` header: the
   * server-clock samples (src/lib/uplink/server-clock.ts). Kinesis and the emulator expose `Date` to CORS.
   */
  onServerDate?: (sentAt: number, receivedAt: number, date: string | undefined) => void;
  now?: () => number;
}

// A request that hangs would hold the flush lock forever; after this long it fails and is sent again.
const REQUEST_TIMEOUT_MS = 15_000;

export function loadKinesisSdk(): Promise<KinesisSdk> {
  return import('@aws-sdk/client-kinesis');
}

export async function createKinesisSender(options: KinesisSenderOptions): Promise<RecordSender> {
  let sdk: KinesisSdk;
  try {
    sdk = await (options.loadSdk ?? loadKinesisSdk)();
  } catch (error) {
    // The SDK chunk did not load (offline before it was ever cached): the next attempt tries again.
    throw new SendFailure('network', 'could not load the stream client', { cause: error });
  }
  const createClient = () =>
    new sdk.KinesisClient({
      region: options.region,
      endpoint: options.endpoint,
      credentials: options.credentials,
      // The flusher owns retries: it resends only failed entries, with backoff, and shows why it waits.
      maxAttempts: 1,
      // Credentials that name their account would otherwise send PutRecords to <account>.data-kinesis.<region>,
      // a host the site's CSP (connect-src) does not list: the regional endpoint only.
      accountIdEndpointMode: 'disabled',
      requestHandler: options.requestHandler ?? { requestTimeout: REQUEST_TIMEOUT_MS },
    });
  const now = options.now ?? Date.now;
  const withDateSampling = (c: InstanceType<KinesisSdk['KinesisClient']>): InstanceType<KinesisSdk['KinesisClient']> => {
    const onServerDate = options.onServerDate;
    if (onServerDate === undefined) return c;
    // $metadata does not carry response headers; the raw HTTP answer does, on its way through the stack. Added
    // to the finalize step, after signing, so sentAt is as close to the wire as the stack lets it be.
    c.middlewareStack.add(
      (next) => async (args) => {
        const sentAt = now();
        const result = await next(args);
        const headers = (result.response as { headers?: Record<string, string | undefined> } | undefined)?.headers;
        onServerDate(sentAt, now(), headers?.date);
        return result;
      },
      { step: 'finalizeRequest', priority: 'low', name: 'lhrServerDate' },
    );
    return c;
  };
  let client = withDateSampling(createClient());
  const utf8 = new TextEncoder();

  return {
    async put(entries: readonly OutboxEntry[]): Promise<PutOutcome> {
      const command = new sdk.PutRecordsCommand({
        StreamName: options.streamName,
        Records: entries.map((entry) => ({ Data: utf8.encode(entry.data), PartitionKey: entry.partitionKey })),
      });
      let records;
      try {
        ({ Records: records } = await client.send(command));
      } catch (error) {
        const failure = toSendFailure(error);
        if (failure.reason === 'credentials') {
          // The client memoises the credentials it resolved until they near expiry: only a new client makes
          // the next attempt ask the provider, which then fetches fresh ones.
          options.onCredentialsRejected?.();
          client.destroy();
          client = withDateSampling(createClient());
        }
        throw failure;
      }
      const split = splitPutRecordsResult(entries.length, records);
      return {
        acked: split.acked.map((index) => entries[index] as OutboxEntry),
        failed: split.failed.map(({ index, code }) => ({ entry: entries[index] as OutboxEntry, code })),
      };
    },
  };
}

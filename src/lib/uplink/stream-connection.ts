// Builds the stream client from the runtime config: static dummy credentials for the embedded emulator
// (it checks only that requests look signed), Cognito basic-flow guest credentials in AWS.
import type { KinesisClientConfig } from '@aws-sdk/client-kinesis';
import type { RuntimeConfig } from '../../core/runtime-config.ts';
import { createCognitoBasicCredentials, type CognitoBasicOptions } from './cognito-basic-credentials.ts';
import { createKinesisSender, type CredentialsProvider, type KinesisSdk } from './kinesis-sender.ts';
import type { RecordSender } from './record-sender.ts';
import type { ServerClock } from './server-clock.ts';
import { withTimeout } from '../with-timeout.ts';

export interface StreamConnectionDeps {
  loadConfig: () => Promise<RuntimeConfig>;
  storage: CognitoBasicOptions['storage'];
  requestHandler?: KinesisClientConfig['requestHandler'];
  loadSdk?: () => Promise<KinesisSdk>;
  /** Learns the server clock from the stream's answers. */
  serverClock?: ServerClock;
}

const EMBEDDED_CREDENTIALS = { accessKeyId: 'embedded', secretAccessKey: 'embedded' };

export async function connectStream(config: RuntimeConfig, deps: Omit<StreamConnectionDeps, 'loadConfig'>): Promise<RecordSender> {
  let credentials: CredentialsProvider;
  let onCredentialsRejected: (() => void) | undefined;
  if (config.mode === 'aws' && config.cognito) {
    const guest = createCognitoBasicCredentials({
      region: config.region,
      identityPoolId: config.cognito.identityPoolId,
      roleArn: config.cognito.guestRoleArn,
      identityEndpoint: config.cognito.identityEndpoint,
      stsEndpoint: config.cognito.stsEndpoint,
      storage: deps.storage,
      requestHandler: deps.requestHandler,
    });
    credentials = guest;
    onCredentialsRejected = () => guest.invalidate();
  } else {
    credentials = async () => EMBEDDED_CREDENTIALS;
  }
  return createKinesisSender({
    region: config.region,
    streamName: config.kinesis.streamName,
    endpoint: config.kinesis.endpoint,
    credentials,
    onCredentialsRejected,
    requestHandler: deps.requestHandler,
    loadSdk: deps.loadSdk,
    onServerDate: deps.serverClock && ((sentAt, receivedAt, date) => deps.serverClock?.observeDateHeader(sentAt, receivedAt, date)),
  });
}

const CONFIG_TIMEOUT_MS = 15_000;

/** A memoised loader for the flusher: a failed load (offline, bad config) is not remembered, so it is retried. */
export function createSenderLoader(deps: StreamConnectionDeps): () => Promise<RecordSender> {
  let sender: Promise<RecordSender> | null = null;
  return () => {
    if (sender) return sender;
    // Bounded: a config.json request that never settles would otherwise be the memoised answer for good.
    const loading = withTimeout(deps.loadConfig(), CONFIG_TIMEOUT_MS, 'Loading config.json').then((config) => connectStream(config, deps));
    sender = loading;
    loading.catch(() => {
      if (sender === loading) sender = null;
    });
    return loading;
  };
}

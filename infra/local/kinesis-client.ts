import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * A Kinesis client for Node that works against the local emulator. The SDK's Node default for Kinesis is an
 * HTTP/2 handler (for SubscribeToShard), which fails against HTTP/1.1 emulators with ERR_HTTP2_ERROR.
 * The emulator checks only that requests look signed, so static dummy credentials do.
 */
export function createNodeKinesisClient(endpoint: string, region: string): KinesisClient {
  return new KinesisClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
  });
}

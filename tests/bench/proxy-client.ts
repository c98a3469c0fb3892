// A Node Kinesis client that writes through the stream proxy on the app's origin as a page would: with the
// Origin header a browser adds, and, for another client, from another loopback address (Linux routes all of
// 127.0.0.0/8 to loopback, and the proxy's write limit counts per address).
import { Agent } from 'node:http';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export interface ProxyClientOptions {
  /** The proxy (`<app>/kinesis`) or the emulator's own endpoint. */
  endpoint: string;
  /** Sent as Origin: the app's own origin, whether the sender is the app or forges it. None for the emulator. */
  origin?: string;
  /** The local address the client's sockets are bound to; the system's choice when absent. */
  localAddress?: string;
  /** The SDK's attempts per call, its own retries included. Default the SDK's (3). */
  maxAttempts?: number;
  /** How long a call may take before the SDK gives up on it, ms. Default 10,000. */
  requestTimeoutMs?: number;
}

export function createProxyClient(options: ProxyClientOptions): KinesisClient {
  const client = new KinesisClient({
    endpoint: options.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: options.maxAttempts,
    // HTTP/1.1, as infra/local/kinesis-client.ts explains; keep-alive as a browser keeps its connections.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: options.requestTimeoutMs ?? 10_000, httpAgent: new Agent({ keepAlive: true, localAddress: options.localAddress }) }),
  });
  const origin = options.origin;
  if (origin !== undefined) {
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers['origin'] = origin;
        return next(args);
      },
      { step: 'finalizeRequest', name: 'browserOrigin' },
    );
  }
  return client;
}

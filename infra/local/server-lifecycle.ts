import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every local component binds the loopback interface only: nothing here is meant to be reachable from the network. */
export type LoopbackHost = '127.0.0.1';

export class PortInUseError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`${host}:${port} is already in use`);
    this.name = 'PortInUseError';
  }
}

/** Resolves with the bound port (useful with port 0); rejects with PortInUseError instead of emitting it. */
export function listenOn(server: Server, host: LoopbackHost, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(host, port) : error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/**
 * Stops accepting connections and waits for requests in flight; connections still open after the grace
 * period (a hung client, a long-poll) are cut so that stopping never hangs.
 */
export function closeServer(server: Server, graceMs = 2_000): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close((error) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    });
    // close() alone leaves idle keep-alive sockets open until they time out.
    server.closeIdleConnections();
  });
}

import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Server as NetServer } from 'node:net';
import type { LanAddress } from './lan/lan-addresses.ts';

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
  return bind(server, host, port);
}

/**
 * The LAN mode's own path to the network (docs/architecture.md, "LAN mode"): only a checked LAN address, never a
 * wildcard, so the type says which servers may be reached from other devices.
 */
export function listenOnLan(server: Server | HttpsServer, host: LanAddress, port: number): Promise<number> {
  return bind(server, host, port);
}

function bind(server: NetServer, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(describeListenError(error, host, port));
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

function describeListenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new PortInUseError(host, port);
  if (error.code === 'EADDRNOTAVAIL') return new Error(`${host} is not an address of this machine: pass --lan-address with one that is`);
  return error;
}

/**
 * Stops accepting connections and waits for requests in flight; connections still open after the grace
 * period (a hung client, a long-poll) are cut so that stopping never hangs.
 */
export function closeServer(server: Server | HttpsServer, graceMs = 2_000): Promise<void> {
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

// The LAN mode's listeners: the HTTPS app server and the plain-HTTP setup server, each on every LAN address
// (never a wildcard). With several addresses the first one's port is taken by the others, so one port serves all.
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { closeServer, listenOnLan } from '../server-lifecycle.ts';
import type { LanAddress } from './lan-addresses.ts';

export interface LanListeners {
  port: number;
  stop(): Promise<void>;
}

export function startLanHttpsServers(addresses: readonly LanAddress[], port: number, tls: { keyPem: string; chainPem: string }, handler: RequestListener): Promise<LanListeners> {
  return listenOnEach(addresses, port, () => createHttpsServer({ key: tls.keyPem, cert: tls.chainPem }, handler));
}

export function startSetupServers(addresses: readonly LanAddress[], port: number, handler: RequestListener): Promise<LanListeners> {
  return listenOnEach(addresses, port, () => createHttpServer(handler));
}

async function listenOnEach(addresses: readonly LanAddress[], port: number, create: () => Server | HttpsServer): Promise<LanListeners> {
  const servers: Array<Server | HttpsServer> = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => closeServer(server)));
  };
  let bound = port;
  try {
    for (const address of addresses) {
      const server = create();
      servers.push(server);
      bound = await listenOnLan(server, address, bound);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { port: bound, stop };
}

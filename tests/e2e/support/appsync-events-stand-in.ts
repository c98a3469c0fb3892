// A local stand-in for AppSync Events' realtime WebSocket endpoint (the `ws` package on 127.0.0.1), checking every
// message a page sends against the protocol and the push channel's rules: the subprotocols (`aws-appsync-event-ws`
// and `header-<base64url JSON>` with the HTTP domain as host and the API key), connection_init first, subscribe
// messages of exactly {type, id, channel, authorization} on a single session's channel (`/live/<32 hex>`, no
// wildcard, no other depth: what the namespace's onSubscribe handler allows), unsubscribe of known ids. Anything
// else is a violation, answered as AppSync answers it. Tests publish events and keep-alives, refuse subscriptions,
// and drop connections. No AppSync runs here: this verifies the contract only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface AppSyncEventsStandIn {
  /** ws://127.0.0.1:<port>/event/realtime */
  url: string;
  /**
   * http://127.0.0.1:<port>/ serves `page` (a test harness): Chromium's local network access checks refuse a
   * WebSocket to loopback from a page it did not load from a loopback server.
   */
  pageUrl: string;
  page: string;
  /** Serves /api/… on the page's origin (a real live API in front of a store), as CloudFront does in AWS; none: 404. */
  api: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  violations: string[];
  /** Every message pages sent, parsed, in order. */
  received: Array<Record<string, unknown>>;
  /** Answer a subscription to this channel with subscribe_error (as the handler's util.unauthorized() does). */
  refuse: ((channel: string) => boolean) | undefined;
  /** Sent in connection_ack. */
  connectionTimeoutMs: number;
  /** Sends an event to every subscription on the channel; how many got it. */
  publish(channel: string, event: string): number;
  /** Sends a message to every open connection (a `ka`, an `error`). */
  broadcast(message: Record<string, unknown>): void;
  /** Closes every connection from the server side. */
  drop(): void;
  openConnections(): number;
  stop(): Promise<void>;
}

const CHANNEL = /^\/live\/[0-9a-f]{32}$/;
const PROTOCOL = 'aws-appsync-event-ws';

export async function startAppSyncEventsStandIn(expected: { host: string; apiKey: string }): Promise<AppSyncEventsStandIn> {
  const authorization = { host: expected.host, 'x-api-key': expected.apiKey };
  const subscriptions = new Map<WebSocket, Map<string, string>>();
  const violations: string[] = [];
  const http = createServer((req, res) => {
    if (standIn.api !== undefined && req.url?.startsWith('/api/') === true) return standIn.api(req, res);
    if (req.method !== 'GET' || req.url !== '/') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(standIn.page);
  });
  const server = new WebSocketServer({
    server: http,
    path: '/event/realtime',
    handleProtocols: (protocols) => {
      const problem = checkProtocols(protocols, authorization);
      if (problem !== undefined) violations.push(problem);
      return problem === undefined ? PROTOCOL : false;
    },
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `127.0.0.1:${(http.address() as AddressInfo).port}`;

  const standIn: AppSyncEventsStandIn = {
    url: `ws://${origin}/event/realtime`,
    pageUrl: `http://${origin}/`,
    page: '',
    api: undefined,
    violations,
    received: [],
    refuse: undefined,
    connectionTimeoutMs: 300_000,
    publish(channel, event) {
      let delivered = 0;
      for (const [socket, subs] of subscriptions) {
        for (const [id, subscribed] of subs) {
          if (subscribed !== channel) continue;
          socket.send(JSON.stringify({ type: 'data', id, event }));
          delivered++;
        }
      }
      return delivered;
    },
    broadcast(message) {
      for (const socket of subscriptions.keys()) socket.send(JSON.stringify(message));
    },
    drop() {
      for (const socket of subscriptions.keys()) socket.terminate();
    },
    openConnections: () => subscriptions.size,
    stop: async () => {
      for (const socket of subscriptions.keys()) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };

  server.on('connection', (socket) => {
    const subs = new Map<string, string>();
    subscriptions.set(socket, subs);
    let initialised = false;
    socket.on('close', () => subscriptions.delete(socket));
    socket.on('message', (raw: Buffer) => {
      const violation = (problem: string): void => {
        violations.push(problem);
        socket.send(JSON.stringify({ type: 'error', errors: [{ errorType: 'BadRequestException', message: problem }] }));
      };
      let message: Record<string, unknown>;
      try {
        message = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        return violation('a message that is not JSON');
      }
      standIn.received.push(message);
      const keys = Object.keys(message).sort().join(',');
      if (!initialised) {
        if (message['type'] !== 'connection_init' || keys !== 'type') return violation(`first message ${keys} ${String(message['type'])}`);
        initialised = true;
        return socket.send(JSON.stringify({ type: 'connection_ack', connectionTimeoutMs: standIn.connectionTimeoutMs }));
      }
      const id = message['id'];
      if (typeof id !== 'string' || id === '' || id.length > 128) return violation(`id ${String(id)}`);
      if (message['type'] === 'subscribe') {
        if (keys !== 'authorization,channel,id,type') return violation(`subscribe with ${keys}`);
        if (!sameAuthorization(message['authorization'], authorization)) return violation('subscribe authorization');
        if (subs.has(id)) return violation(`subscription id ${id} reused`);
        const channel = String(message['channel']);
        if (!CHANNEL.test(channel)) violations.push(`channel ${channel}`);
        if (!CHANNEL.test(channel) || standIn.refuse?.(channel) === true) {
          return socket.send(JSON.stringify({ type: 'subscribe_error', id, errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] }));
        }
        subs.set(id, channel);
        return socket.send(JSON.stringify({ type: 'subscribe_success', id }));
      }
      if (message['type'] === 'unsubscribe') {
        if (keys !== 'id,type' || !subs.delete(id)) return violation(`unsubscribe ${keys} ${id}`);
        return socket.send(JSON.stringify({ type: 'unsubscribe_success', id }));
      }
      return violation(`unexpected ${String(message['type'])}`);
    });
  });
  return standIn;
}

/** What is wrong with the subprotocols a page asked for, if anything. */
function checkProtocols(protocols: Set<string>, authorization: Record<string, string>): string | undefined {
  const headers = [...protocols].filter((p) => p.startsWith('header-'));
  if (!protocols.has(PROTOCOL) || headers.length !== 1 || protocols.size !== 2) return `subprotocols ${[...protocols].join(' ')}`;
  const encoded = (headers[0] as string).slice('header-'.length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return 'auth header is not base64url without padding';
  const decoded = Buffer.from(encoded, 'base64url').toString('utf8');
  return sameAuthorization(JSON.parse(decoded), authorization) ? undefined : `auth header ${decoded}`;
}

function sameAuthorization(value: unknown, authorization: Record<string, string>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify(entries) === JSON.stringify(Object.entries(authorization).sort(([a], [b]) => a.localeCompare(b)));
}

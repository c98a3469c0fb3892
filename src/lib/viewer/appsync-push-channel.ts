// The AWS push channel in the browser (docs/deploy-aws.md "Push channel"): one WebSocket to AppSync Events with one
// subscription per followed session, on the channel named from its view id (src/core/push-channel-name.ts), with
// the public API key, which lets a page subscribe to a session's channel and do nothing else. AppSync keeps no
// history, so the targets' cursors are not sent anywhere: the page compares each event's `from` with its own cursor
// and fetches a gap from the live API. Any error, a refused subscription, a close or a missed keep-alive ends the
// channel as 'failed', and the page falls back to long-poll.
import { encodeBase64Url } from '../../core/base64url.ts';
import { parseLiveEvent, type LiveEvent } from '../../core/live-events.ts';
import { pushChannelOf } from '../../core/push-channel-name.ts';
import type { PushConfig } from '../../core/runtime-config.ts';
import type { PushChannel, PushHandlers, PushState, PushSubscription, PushTarget } from './push-channel.ts';

type AppSyncEventsConfig = Extract<PushConfig, { kind: 'appsync-events' }>;

export interface AppSyncPushOptions {
  /** The realtime endpoint's URL; a local stand-in's `ws://127.0.0.1:…` in tests. Default `wss://<realtimeDomain>/event/realtime`. */
  realtimeUrl?: string;
}

// Used until connection_ack says otherwise: AppSync's documented default is 5 minutes.
const DEFAULT_CONNECTION_TIMEOUT_MS = 300_000;

export function createAppSyncPushChannel(config: AppSyncEventsConfig, options: AppSyncPushOptions = {}): PushChannel {
  const url = options.realtimeUrl ?? `wss://${config.realtimeDomain}/event/realtime`;
  // Every message carries the same authorization: the HTTP domain as host, and the public key.
  const authorization = { host: config.httpDomain, 'x-api-key': config.apiKey };
  return { follow: (targets, handlers) => followOverSocket(url, authorization, targets, handlers) };
}

function followOverSocket(url: string, authorization: Record<string, string>, targets: readonly PushTarget[], handlers: PushHandlers): PushSubscription {
  const header = encodeBase64Url(new TextEncoder().encode(JSON.stringify(authorization)));
  // Subscription id → view id; a message for an unknown id, or an event of another session, is dropped.
  const subscriptions = new Map<string, string>(targets.map((target) => [crypto.randomUUID(), target.viewId]));
  const pending = new Set(subscriptions.keys());
  let state: PushState | 'closed' = 'connecting';
  let keepAlive: ReturnType<typeof setTimeout> | undefined;
  let timeoutMs = DEFAULT_CONNECTION_TIMEOUT_MS;

  const socket = new WebSocket(url, ['aws-appsync-event-ws', `header-${header}`]);
  const setState = (next: PushState): void => {
    if (state === 'failed' || state === 'closed' || state === next) return;
    state = next;
    handlers.state(next);
  };
  const fail = (): void => {
    clearTimeout(keepAlive);
    setState('failed');
    socket.close();
  };
  const expectKeepAlive = (): void => {
    clearTimeout(keepAlive);
    keepAlive = setTimeout(fail, timeoutMs);
  };
  const send = (message: Record<string, unknown>): void => socket.send(JSON.stringify(message));

  handlers.state('connecting');
  socket.addEventListener('open', () => send({ type: 'connection_init' }));
  socket.addEventListener('error', fail);
  socket.addEventListener('close', fail);
  socket.addEventListener('message', (message: MessageEvent<unknown>) => {
    const data = parseMessage(message.data);
    if (data === null) return;
    switch (data['type']) {
      case 'connection_ack':
        if (typeof data['connectionTimeoutMs'] === 'number' && data['connectionTimeoutMs'] > 0) timeoutMs = data['connectionTimeoutMs'];
        expectKeepAlive();
        for (const [id, viewId] of subscriptions) send({ type: 'subscribe', id, channel: pushChannelOf(viewId), authorization });
        if (pending.size === 0) setState('open');
        return;
      case 'ka':
        expectKeepAlive();
        return;
      case 'subscribe_success':
        pending.delete(String(data['id']));
        if (pending.size === 0) setState('open');
        return;
      case 'data': {
        const event = eventOf(data, subscriptions);
        if (event !== null && state === 'open') handlers.event(event);
        return;
      }
      case 'broadcast_error':
        // One event could not be delivered to this connection: the next event's `from` shows the gap.
        return;
      default:
        // subscribe_error, error, connection_error and anything unknown: push cannot be trusted to be complete.
        fail();
    }
  });

  return {
    close() {
      if (state === 'closed') return;
      clearTimeout(keepAlive);
      state = 'closed';
      if (socket.readyState === WebSocket.OPEN) for (const id of subscriptions.keys()) send({ type: 'unsubscribe', id });
      socket.close(1000);
    },
  };
}

function parseMessage(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The event a `data` message carries, if it is well formed and of the session its subscription follows. */
function eventOf(data: Record<string, unknown>, subscriptions: ReadonlyMap<string, string>): LiveEvent | null {
  const viewId = subscriptions.get(String(data['id']));
  if (viewId === undefined || typeof data['event'] !== 'string') return null;
  const event = parseMessage(data['event']);
  const live = event === null ? null : parseLiveEvent(event);
  return live !== null && live.viewId === viewId ? live : null;
}

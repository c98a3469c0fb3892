// The push channel of the embedded stack: one EventSource on its event stream (docs/live-api.md, "Pushed events").
// EventSource would reconnect by itself, from the URL it was opened with, i.e. from stale cursors and forever: on
// the first error it is closed instead and the channel says 'failed', so the page falls back to long-poll and
// opens a new stream from its own cursors when it chooses.
import { parseLiveEvent } from '../../core/live-events.ts';
import type { PushChannel } from './push-channel.ts';

export function createSsePushChannel(url: string, open: (url: string) => EventSource = (u) => new EventSource(u)): PushChannel {
  return {
    // The hub's timers send the turn to stale and a link's expiry (infra/local/live-push-hub.ts).
    pushesTimeChanges: true,
    follow(targets, handlers) {
      const query = new URLSearchParams();
      for (const { viewId, cursor } of targets) query.append('view', `${viewId}:${cursor}`);
      let closed = false;
      handlers.state('connecting');
      const source = open(`${url}?${query}`);
      source.onopen = () => {
        if (!closed) handlers.state('open');
      };
      source.onmessage = (message: MessageEvent<unknown>) => {
        if (closed || typeof message.data !== 'string') return;
        const event = parseLiveEvent(parseJson(message.data));
        // A message this page cannot read is dropped, as the live API's answers are.
        if (event !== null) handlers.event(event);
      };
      source.onerror = () => {
        if (closed) return;
        closed = true;
        source.close();
        handlers.state('failed');
      };
      return {
        close() {
          closed = true;
          source.close();
        },
      };
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

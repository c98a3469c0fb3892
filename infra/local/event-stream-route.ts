// The embedded stack's event stream (docs/live-api.md, "Pushed events"): GET /api/events?view=<viewId>[:<cursor>]…
// answers a text/event-stream of pushed events (src/core/live-events.ts) from the fan-out hub (live-push-hub.ts).
// Errors are the live API's JSON errors. A stream that falls behind is cut, never buffered without bound: the
// client opens a new one with its own cursors and catches up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_FOLLOWED_SESSIONS } from '../../src/core/live-events.ts';
import { isViewId } from '../../src/core/session-key.ts';
import { errorResponse } from '../../functions/live-api/responses.ts';
import { isCursor } from '../../functions/store/live-store.ts';
import { writeResult } from './lambda-url-adapter.ts';
import type { HubTarget, LivePushHub } from './live-push-hub.ts';
import type { AppRoute } from './static-server.ts';

export const EVENT_STREAM_PATH = '/api/events';

export interface EventStreamOptions {
  hub: LivePushHub;
  /** A comment line this often keeps proxies and browsers from closing an idle stream. Default 15 s. */
  keepAliveMs?: number;
  /** A stream with more than this waiting in its socket's buffer is cut (a reader that stopped reading). Default 1 MiB. */
  maxBufferedBytes?: number;
  /** Open streams at most; one more is answered 503. Default 10,000. */
  maxStreams?: number;
}

export interface EventStreamRoute extends AppRoute {
  /** Streams open now. */
  streams(): number;
  /** Ends every open stream (the stack is stopping). */
  stop(): void;
}

export const EVENT_STREAM_DEFAULTS = { keepAliveMs: 15_000, maxBufferedBytes: 2 ** 20, maxStreams: 10_000 } as const;

const ALLOWED_METHODS = 'GET';

export function createEventStreamRoute(options: EventStreamOptions): EventStreamRoute {
  const keepAliveMs = options.keepAliveMs ?? EVENT_STREAM_DEFAULTS.keepAliveMs;
  const maxBufferedBytes = options.maxBufferedBytes ?? EVENT_STREAM_DEFAULTS.maxBufferedBytes;
  const maxStreams = options.maxStreams ?? EVENT_STREAM_DEFAULTS.maxStreams;
  const open = new Set<ServerResponse>();

  return {
    prefix: EVENT_STREAM_PATH,
    handle(req, res) {
      const rawUrl = req.url ?? '/';
      const queryStart = rawUrl.indexOf('?');
      const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
      if (path !== EVENT_STREAM_PATH) return refuse(req, res, errorResponse(404, 'not-found', `No such API route. Events are at ${EVENT_STREAM_PATH}?view=<viewId>.`));
      if (req.method !== 'GET') return refuse(req, res, errorResponse(405, 'method-not-allowed', `Use ${ALLOWED_METHODS}.`, { allow: ALLOWED_METHODS }));
      const targets = parseViews(new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1)));
      if ('error' in targets) return refuse(req, res, targets.error);
      if (open.size >= maxStreams) return refuse(req, res, errorResponse(503, 'unavailable', 'Too many open event streams; follow by long-poll and try again later.'));

      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        // Tells a buffering reverse proxy (nginx) to pass events on at once.
        'x-accel-buffering': 'no',
      });
      res.flushHeaders();
      open.add(res);
      const send = (frame: string): void => {
        if (res.destroyed) return;
        if (res.writableLength > maxBufferedBytes) {
          res.destroy();
          return;
        }
        res.write(frame);
      };
      const unfollow = options.hub.follow({ send }, targets.targets);
      const keepAlive = setInterval(() => send(': keep-alive\n\n'), keepAliveMs);
      keepAlive.unref();
      res.once('close', () => {
        clearInterval(keepAlive);
        unfollow();
        open.delete(res);
      });
    },
    streams: () => open.size,
    stop() {
      for (const res of open) res.end();
    },
  };
}

function refuse(req: IncomingMessage, res: ServerResponse, result: ReturnType<typeof errorResponse>): void {
  writeResult(req, res, result);
}

/** The `view` parameters: 1 to MAX_FOLLOWED_SESSIONS, each a view id with an optional `:cursor`, no view twice. */
function parseViews(query: URLSearchParams): { targets: HubTarget[] } | { error: ReturnType<typeof errorResponse> } {
  const views = query.getAll('view');
  if (views.length === 0 || views.length > MAX_FOLLOWED_SESSIONS) {
    return { error: errorResponse(400, 'bad-views', `Name 1 to ${MAX_FOLLOWED_SESSIONS} sessions: view=<viewId>[:<cursor>], repeated.`) };
  }
  const targets: HubTarget[] = [];
  const seen = new Set<string>();
  for (const view of views) {
    const colon = view.indexOf(':');
    const viewId = colon === -1 ? view : view.slice(0, colon);
    const cursor = colon === -1 ? null : view.slice(colon + 1);
    if (!isViewId(viewId)) return { error: errorResponse(400, 'bad-view-id', 'A view id is 22 base64url characters, as in a share link.') };
    if (cursor !== null && !isCursor(cursor)) return { error: errorResponse(400, 'bad-cursor', 'A cursor is one from the live API ("next", "cursor"), or 0 for the start.') };
    if (seen.has(viewId)) return { error: errorResponse(400, 'bad-views', 'Each session may be named once.') };
    seen.add(viewId);
    targets.push({ viewId, cursor });
  }
  return { targets };
}

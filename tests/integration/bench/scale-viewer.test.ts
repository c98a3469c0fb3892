// The scale benchmark's viewers against a small stand-in of the live API and the event stream on loopback: the
// push viewer's gap fetch and reconnect from its cursor, and the long-poll viewer's requests as the app makes them.
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { PublicReading, ReadingsBody, SessionBody } from '../../../src/core/live-api-types.ts';
import type { LiveEvent } from '../../../src/core/live-events.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { LatencyHistogram } from '../../bench/latency-histogram.ts';
import { Viewer, type ViewerContext } from '../../bench/scale-viewer.ts';

const viewId = deriveViewId(createWriteKey());
const session: SessionBody = { viewId, status: 'live', serverTime: Date.now() };
const reading = (seq: number): PublicReading => ({ seq, t: Date.now(), bpm: 60 + seq });
const page = (readings: PublicReading[], next: string): ReadingsBody => ({ viewId, status: 'live', serverTime: Date.now(), readings, next, more: false });

let server: Server | undefined;
let stopping = new AbortController();

afterEach(async () => {
  stopping.abort();
  stopping = new AbortController();
  const running = server;
  server = undefined;
  running?.closeAllConnections();
  await new Promise((resolve) => running?.close(resolve));
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handle);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

function context(apiUrl: string, signal: AbortSignal): ViewerContext {
  return {
    apiUrl,
    agent: new Agent({ keepAlive: true }),
    signal,
    errors: { httpStatus: {}, network: 0, droppedStreams: 0, reconnects: 0, malformedEvents: 0 },
    latency: new LatencyHistogram(),
    gapFetches: { count: 0 },
    requests: { count: 0 },
    fatal: () => {},
  };
}

const send = (res: ServerResponse, body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
const event = (res: ServerResponse, e: LiveEvent): boolean => res.write(`data: ${JSON.stringify(e)}\n\n`);

describe('the scale benchmark’s viewers', () => {
  it('push: fetches the gap before an event that does not start at its cursor, and reopens a dropped stream from its cursor', async () => {
    // Prepare: the first stream starts at position 2 (the viewer is at 0), sends 2…4, then drops; the second has 5
    const streams: string[] = [];
    const fetched: string[] = [];
    const apiUrl = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/api/events') {
        streams.push(url.searchParams.get('view') ?? '');
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        if (streams.length === 1) {
          event(res, { type: 'readings', viewId, from: '2', next: '3', readings: [reading(2)], session });
          res.write(`data: ${JSON.stringify({ type: 'readings', viewId, from: '3', next: '5', readings: [reading(3), reading(4)], session })}\n\n`, () =>
            setImmediate(() => res.socket?.destroy()),
          );
        } else event(res, { type: 'readings', viewId, from: '5', next: '6', readings: [reading(5)], session });
        return;
      }
      fetched.push(`${url.pathname.replace(viewId, 'V')}${url.search}`);
      send(res, page([reading(0), reading(1)], '2'));
    });
    const ctx = context(apiUrl, stopping.signal);
    const viewer = new Viewer(viewId, ctx);
    // Act
    const following = viewer.follow('push');
    await expect.poll(() => viewer.tally.countBelow(6), { timeout: 5_000 }).toBe(6);
    stopping.abort();
    await following;
    // Assess
    expect(streams).toEqual([`${viewId}:0`, `${viewId}:5`]);
    expect(fetched).toEqual(['/api/sessions/V/readings?after=0&limit=1000']);
    expect(ctx.gapFetches.count).toBe(1);
    expect(viewer.tally.duplicates).toBe(0);
    expect(ctx.errors.droppedStreams).toBe(1);
    expect(ctx.errors.reconnects).toBe(1);
    expect(ctx.latency.size).toBe(6);
  });

  it('long-poll: asks for the session, then readings after its cursor with the app’s page size and wait, and the session again after readings', async () => {
    // Prepare
    const asked: string[] = [];
    const apiUrl = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      asked.push(`${url.pathname.replace(viewId, 'V')}${url.search}`);
      if (url.pathname === `/api/sessions/${viewId}`) return send(res, { ...session, alertsTag: 'a1' });
      if (url.searchParams.get('after') === '0') return send(res, page([reading(0), reading(1)], '2'));
      // Held, as a long-poll with nothing new is, until the viewer stops.
      req.on('close', () => res.destroy());
    });
    const ctx = context(apiUrl, stopping.signal);
    const viewer = new Viewer(viewId, ctx);
    // Act
    const following = viewer.follow('long-poll');
    await expect.poll(() => asked.length, { timeout: 5_000 }).toBe(4);
    stopping.abort();
    await following;
    // Assess
    expect(asked).toEqual([
      '/api/sessions/V',
      '/api/sessions/V/readings?after=0&limit=1000&wait=10000&alertsTag=a1',
      '/api/sessions/V',
      '/api/sessions/V/readings?after=2&limit=1000&wait=10000&alertsTag=a1',
    ]);
    expect(viewer.tally.countBelow(2)).toBe(2);
    expect(ctx.errors).toEqual({ httpStatus: {}, network: 0, droppedStreams: 0, reconnects: 0, malformedEvents: 0 });
  });
});

// The scale benchmark's push viewer against a tiny Server-Sent Events server on loopback, written to the embedded
// event stream's wire format (docs/live-api.md, "Pushed events").
import { Agent, createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../../src/core/live-events.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import { openEventStream, type EventStreamHandlers } from '../../bench/sse-client.ts';

const viewId = deriveViewId(createWriteKey());
const session = { viewId, status: 'live', serverTime: 1_780_000_000_000 } as const;
const sessionEvent: LiveEvent = { type: 'session', viewId, session };
const readingsEvent: LiveEvent = { type: 'readings', viewId, from: '0', next: '2', readings: [{ seq: 0, t: 1_780_000_000_000, bpm: 61 }, { seq: 1, t: 1_780_000_001_000, bpm: 62, rr: [980] }], session };

let server: Server | undefined;
const agent = new Agent({ keepAlive: true });

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running === undefined) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

/** Serves one stream, written by `write`; resolves the stream's URL. */
async function serve(write: (res: ServerResponse) => void): Promise<string> {
  server = createServer((_req, res) => write(res));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/events?view=${viewId}:0`;
}

interface Collected {
  handlers: EventStreamHandlers;
  opened: number;
  events: LiveEvent[];
  malformed: number;
}

function collect(): Collected {
  const seen: Collected = {
    handlers: {
      open: () => void seen.opened++,
      event: (event) => void seen.events.push(event),
      malformed: () => void seen.malformed++,
    },
    opened: 0,
    events: [],
    malformed: 0,
  };
  return seen;
}

describe('openEventStream', () => {
  it('delivers each valid event once, in order, across chunk boundaries, and counts the malformed ones', async () => {
    // Prepare: a keep-alive comment, an event cut mid-JSON across two writes, one not JSON, one of an unknown type
    const readingsLine = `data: ${JSON.stringify(readingsEvent)}\n\n`;
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`: keep-alive\n\ndata: ${JSON.stringify(sessionEvent)}\n\n`);
      res.write(readingsLine.slice(0, 40));
      setImmediate(() => {
        res.write(readingsLine.slice(40));
        res.write('data: {not json\n\n');
        res.end(`data: ${JSON.stringify({ ...sessionEvent, type: 'future-kind' })}\n\n`);
      });
    });
    const seen = collect();
    // Act
    const end = await openEventStream(url, agent, seen.handlers).ended;
    // Assess
    expect(end).toEqual({ kind: 'ended' });
    expect(seen.opened).toBe(1);
    expect(seen.events).toEqual([sessionEvent, readingsEvent]);
    expect(seen.malformed).toBe(2);
  });

  it('reports a refused stream with its status and never opens it', async () => {
    // Prepare: a server without the event stream (the embedded stack before it had one)
    const url = await serve((res) => res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not-found","message":"no such route"}'));
    const seen = collect();
    // Act
    const end = await openEventStream(url, agent, seen.handlers).ended;
    // Assess
    expect(end).toEqual({ kind: 'refused', status: 404 });
    expect(seen.opened).toBe(0);
  });

  it('ends as closed when the viewer closes it, and the server sees the connection go', async () => {
    // Prepare
    let serverSawClose!: () => void;
    const gone = new Promise<void>((resolve) => (serverSawClose = resolve));
    const url = await serve((res) => {
      res.on('close', serverSawClose);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(sessionEvent)}\n\n`);
    });
    const seen = collect();
    const stream = openEventStream(url, agent, seen.handlers);
    await expect.poll(() => seen.events.length).toBe(1);
    // Act
    stream.close();
    // Assess
    expect(await stream.ended).toEqual({ kind: 'closed' });
    await gone;
  });

  it('reports a stream the server drops mid-way as failed, with the events before it delivered', async () => {
    // Prepare: the server's connection goes without the chunked body's end
    const url = await serve((res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`data: ${JSON.stringify(sessionEvent)}\n\n`, () => setImmediate(() => res.socket?.destroy()));
    });
    const seen = collect();
    // Act
    const end = await openEventStream(url, agent, seen.handlers).ended;
    // Assess
    expect(end.kind).toBe('failed');
    expect(seen.events).toEqual([sessionEvent]);
  });

  it('reports an unreachable server as failed', async () => {
    // Prepare: a port that was free a moment ago and is closed now
    const url = await serve(() => {});
    const closing = server;
    server = undefined;
    await new Promise((resolve) => closing?.close(resolve));
    const seen = collect();
    // Act
    const end = await openEventStream(url, agent, seen.handlers).ended;
    // Assess
    expect(end.kind).toBe('failed');
    expect(seen.opened).toBe(0);
  });
});

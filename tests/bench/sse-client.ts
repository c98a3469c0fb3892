// A follower of the embedded event stream (docs/live-api.md, "Pushed events") for the scale benchmark's push
// viewers: one GET on node:http per viewer, the body read as Server-Sent Events. Only what the stream's wire format
// uses is read: `data:` lines (joined by newlines when an event has several) ending at a blank line, comment lines
// (`: keep-alive`) skipped, other fields ignored. Each data block is checked with parseLiveEvent as a page checks it.
import { get, type Agent } from 'node:http';
import { parseLiveEvent, type LiveEvent } from '../../src/core/live-events.ts';

/** Splits an SSE body, fed in chunks cut anywhere, into the data of each event. */
export class SseDataParser {
  private buffer = '';
  private data: string[] = [];

  constructor(private readonly onData: (data: string) => void) {}

  push(chunk: string): void {
    this.buffer += chunk;
    // A line ends at \n, \r\n or \r; a \r at the very end may be the first half of \r\n, so it waits for more.
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const c = this.buffer[i];
      if (c !== '\n' && c !== '\r') continue;
      if (c === '\r' && i === this.buffer.length - 1) break;
      this.line(this.buffer.slice(start, i));
      if (c === '\r' && this.buffer[i + 1] === '\n') i++;
      start = i + 1;
    }
    this.buffer = this.buffer.slice(start);
  }

  private line(line: string): void {
    if (line === '') {
      if (this.data.length > 0) this.onData(this.data.join('\n'));
      this.data = [];
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    const value = colon === -1 ? '' : line.slice(colon + 1);
    this.data.push(value.startsWith(' ') ? value.slice(1) : value);
  }
}

export interface EventStreamHandlers {
  /** The server answered 200: the stream is open. */
  open(): void;
  event(event: LiveEvent): void;
  /** A data block that is not JSON or not a valid event: dropped and counted, as a page drops it. */
  malformed(): void;
}

/** How a stream ended: closed here, ended by the server, failed on the way, or refused with a status. */
export type StreamEnd = { kind: 'closed' } | { kind: 'ended' } | { kind: 'failed'; message: string } | { kind: 'refused'; status: number };

export interface EventStream {
  ended: Promise<StreamEnd>;
  close(): void;
}

export function openEventStream(url: string, agent: Agent, handlers: EventStreamHandlers): EventStream {
  const stopping = new AbortController();
  const ended = new Promise<StreamEnd>((resolve) => {
    const request = get(url, { agent, signal: stopping.signal, headers: { accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve({ kind: 'refused', status: response.statusCode ?? 0 });
        return;
      }
      handlers.open();
      const parser = new SseDataParser((data) => {
        const event = parseLiveEvent(parseJson(data));
        if (event === null) handlers.malformed();
        else handlers.event(event);
      });
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => parser.push(chunk));
      response.on('end', () => resolve({ kind: 'ended' }));
      response.on('error', (error) => resolve(stopping.signal.aborted ? { kind: 'closed' } : { kind: 'failed', message: error.message }));
      // After 'end' this changes nothing; without it, the connection went before the stream's last chunk.
      response.on('close', () => resolve(stopping.signal.aborted ? { kind: 'closed' } : { kind: 'failed', message: 'connection closed mid-stream' }));
    });
    request.on('error', (error) => resolve(stopping.signal.aborted ? { kind: 'closed' } : { kind: 'failed', message: error.message }));
    request.on('close', () => {
      if (stopping.signal.aborted) resolve({ kind: 'closed' });
    });
  });
  return { ended, close: () => stopping.abort() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

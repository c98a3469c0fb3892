// A test's reader of the event stream over real HTTP (node:http): collects each message's event, parsed by the
// one client parser, and the comment lines, and says when the server ended or cut the stream.
import { request, type IncomingMessage } from 'node:http';
import { request as requestTls } from 'node:https';
import { parseLiveEvent, type LiveEvent } from '../../../src/core/live-events.ts';

export interface EventStreamReader {
  status: number;
  contentType: string | undefined;
  events: LiveEvent[];
  /** Messages that did not parse as events (a test expects none). */
  malformed: string[];
  comments: string[];
  /** Resolves when the stream ended, whether the server finished it or cut it. */
  ended: Promise<void>;
  /** Stops reading from the socket without closing it: a viewer that fell behind. */
  pause(): void;
  close(): void;
}

/** Over plain HTTP on 127.0.0.1, or over TLS to `tls.host` trusting only `tls.ca` (the LAN mode's server). */
export function openEventStream(port: number, query: string, tls?: { host: string; ca: string }): Promise<EventStreamReader> {
  return new Promise((resolve, reject) => {
    const options = { host: tls?.host ?? '127.0.0.1', port, path: `/api/events?${query}`, headers: { accept: 'text/event-stream' } };
    const onResponse = (res: IncomingMessage): void => {
      let buffer = '';
      let endStream = (): void => {};
      const reader: EventStreamReader = {
        status: res.statusCode ?? 0,
        contentType: res.headers['content-type'],
        events: [],
        malformed: [],
        comments: [],
        ended: new Promise<void>((done) => (endStream = done)),
        pause: () => res.pause(),
        close: () => req.destroy(),
      };
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          readMessage(reader, buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      });
      res.on('close', () => endStream());
      res.on('error', () => endStream());
      resolve(reader);
    };
    const req = tls === undefined ? request(options, onResponse) : requestTls({ ...options, ca: tls.ca }, onResponse);
    req.on('error', reject);
    req.end();
  });
}

function readMessage(reader: EventStreamReader, message: string): void {
  if (message.startsWith(':')) {
    reader.comments.push(message);
    return;
  }
  const data = message.startsWith('data: ') ? message.slice('data: '.length) : null;
  const event = data === null ? null : parseLiveEvent(JSON.parse(data));
  if (event === null) reader.malformed.push(message);
  else reader.events.push(event);
}

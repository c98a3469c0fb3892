import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SseDataParser } from '../../bench/sse-client.ts';

// One line of an event's data: no line breaks inside (a break would start a new line on the wire).
const dataLine = fc.string({ maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' '));
const event = fc.array(dataLine, { minLength: 1, maxLength: 3 });
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');

describe('SseDataParser', () => {
  it('gives each event’s data whatever the line endings, comments and chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 8 }), lineEnd, fc.array(fc.nat(), { maxLength: 20 }), (events, end, cuts) => {
        // Prepare: each event as data lines and a blank line, a comment before it. One kind of line end per stream
        // (a \r then a \n is one line end, not two); a last \n, as a lone \r at the very end may still become \r\n.
        const wire = events.map((lines) => `: keep-alive${end}${lines.map((l) => `data: ${l}${end}`).join('')}${end}`).join('') + '\n';
        const points = [...new Set(cuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
        const chunks = [0, ...points, wire.length].slice(1).map((to, i, all) => wire.slice(i === 0 ? 0 : all[i - 1], to));
        const received: string[] = [];
        const parser = new SseDataParser((data) => received.push(data));
        // Act
        for (const chunk of chunks) parser.push(chunk);
        // Assess
        expect(received).toEqual(events.map((lines) => lines.join('\n')));
      }),
    );
  });

  it('reads `data:` without a space, ignores other fields, and sends nothing for an event without data', () => {
    // Prepare
    const received: string[] = [];
    const parser = new SseDataParser((data) => received.push(data));
    // Act
    parser.push('event: ignored\nid: 7\nretry: 10\n\ndata:{"a":1}\nfoo: bar\n\ndata\n\n');
    // Assess: the last event's data is one empty line
    expect(received).toEqual(['{"a":1}', '']);
  });

  it('keeps an event that has not ended yet until its blank line arrives', () => {
    // Prepare
    const received: string[] = [];
    const parser = new SseDataParser((data) => received.push(data));
    // Act
    parser.push('data: half\r');
    const before = [...received];
    parser.push('\n\r\n');
    // Assess
    expect(before).toEqual([]);
    expect(received).toEqual(['half']);
  });
});

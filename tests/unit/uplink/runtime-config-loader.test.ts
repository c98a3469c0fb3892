import { describe, expect, it } from 'vitest';
import { fetchRuntimeConfig } from '../../../src/lib/uplink/runtime-config-loader.ts';

/** A fetch that answers with `body`, as if from `url` (a browser's response.url is always absolute). */
function answering(body: unknown, url: string): typeof fetch {
  return async () => {
    const response = new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    Object.defineProperty(response, 'url', { value: url });
    return response;
  };
}

const EMBEDDED = { mode: 'embedded', region: 'us-east-1', kinesis: { streamName: 's', endpoint: '/kinesis' }, apiUrl: '/api' };

describe('fetchRuntimeConfig', () => {
  it('resolves the stream proxy’s path against the origin config.json came from', async () => {
    // Act
    const fromLoopback = await fetchRuntimeConfig('/config.json', answering(EMBEDDED, 'http://127.0.0.1:8080/config.json'));
    const fromLocalhost = await fetchRuntimeConfig('/config.json', answering(EMBEDDED, 'http://localhost:9000/config.json'));

    // Assess
    expect(fromLoopback.kinesis.endpoint).toBe('http://127.0.0.1:8080/kinesis');
    expect(fromLocalhost.kinesis.endpoint).toBe('http://localhost:9000/kinesis');
  });

  it('keeps an absolute endpoint, and no endpoint, as they are', async () => {
    // Prepare
    const absolute = { ...EMBEDDED, kinesis: { streamName: 's', endpoint: 'http://127.0.0.1:4567' } };
    const none = { ...EMBEDDED, kinesis: { streamName: 's' } };

    // Act
    const withAbsolute = await fetchRuntimeConfig('/config.json', answering(absolute, 'http://127.0.0.1:8080/config.json'));
    const withNone = await fetchRuntimeConfig('/config.json', answering(none, 'http://127.0.0.1:8080/config.json'));

    // Assess
    expect(withAbsolute.kinesis).toEqual({ streamName: 's', endpoint: 'http://127.0.0.1:4567' });
    expect(withNone.kinesis).toEqual({ streamName: 's' });
  });
});

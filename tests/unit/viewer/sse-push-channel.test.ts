import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../../src/core/live-events.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import type { PushState } from '../../../src/lib/viewer/push-channel.ts';
import { createSsePushChannel } from '../../../src/lib/viewer/sse-push-channel.ts';

const VIEW_ID = deriveViewId(createWriteKey());

/**
 * The part of EventSource the channel uses (Node 20 has none; Chromium's real one is driven in
 * tests/e2e/push.spec.ts): the test fires its callbacks and sees whether it was closed.
 */
class StandInEventSource {
  onopen: (() => void) | null = null;
  onmessage: ((message: MessageEvent<unknown>) => void) | null = null;
  onerror: (() => void) | null = null;
  closed = false;

  constructor(readonly url: string) {}

  close(): void {
    this.closed = true;
  }

  message(data: unknown): void {
    this.onmessage?.({ data } as MessageEvent<unknown>);
  }
}

function openChannel() {
  const sources: StandInEventSource[] = [];
  const channel = createSsePushChannel('/api/events', (url) => {
    const source = new StandInEventSource(url);
    sources.push(source);
    return source as unknown as EventSource;
  });
  const events: LiveEvent[] = [];
  const states: PushState[] = [];
  const subscription = channel.follow(
    [
      { viewId: VIEW_ID, cursor: '12' },
      { viewId: 'BBBBBBBBBBBBBBBBBBBBBw', cursor: '0' },
    ],
    { event: (event) => events.push(event), state: (state) => states.push(state) },
  );
  const source = sources[0];
  if (source === undefined) throw new Error('no stream opened');
  return { source, sources, events, states, subscription };
}

describe('SSE push channel', () => {
  it('opens one stream naming each session with its cursor, and passes on the events it can read', () => {
    // Prepare
    const { source, events, states } = openChannel();
    const session = { type: 'session', viewId: VIEW_ID, session: { viewId: VIEW_ID, status: 'live', serverTime: 1 } };

    // Act
    source.onopen?.();
    source.message(JSON.stringify(session));
    source.message('not json');
    source.message(JSON.stringify({ ...session, type: 'later-kind' }));
    source.message(JSON.stringify({ ...session, viewId: 'x' }));

    // Assess
    expect(new URL(source.url, 'http://x').searchParams.getAll('view')).toEqual([`${VIEW_ID}:12`, 'BBBBBBBBBBBBBBBBBBBBBw:0']);
    expect(states).toEqual(['connecting', 'open']);
    expect(events).toEqual([session]);
  });

  it('says failed once and closes the stream on an error, so EventSource does not reconnect by itself', () => {
    // Prepare
    const { source, sources, states, events } = openChannel();
    source.onopen?.();

    // Act
    source.onerror?.();
    source.onerror?.();
    source.message(JSON.stringify({ type: 'session', viewId: VIEW_ID, session: { viewId: VIEW_ID, status: 'live', serverTime: 1 } }));

    // Assess
    expect(states).toEqual(['connecting', 'open', 'failed']);
    expect(source.closed).toBe(true);
    expect(sources).toHaveLength(1);
    expect(events).toEqual([]);
  });

  it('stops delivering once the page closes it', () => {
    // Prepare
    const { source, states, subscription } = openChannel();

    // Act
    subscription.close();
    source.onopen?.();
    source.onerror?.();

    // Assess
    expect(source.closed).toBe(true);
    expect(states).toEqual(['connecting']);
  });
});

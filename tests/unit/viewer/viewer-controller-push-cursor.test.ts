// The viewer's catch-up rule against pushed events that can run ahead of the live API (AWS: the consumer publishes a
// batch's readings once they are durable, before the index refresh lets the API serve them), with fast-check over
// every interleaving of events, dropped events (gaps) and the API catching up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PublicReading } from '../../../src/core/live-api-types.ts';
import type { ReadingsEvent } from '../../../src/core/live-events.ts';
import { createWriteKey, deriveViewId } from '../../../src/core/session-key.ts';
import type { PushChannel, PushHandlers } from '../../../src/lib/viewer/push-channel.ts';
import { ViewerController } from '../../../src/lib/viewer/viewer-controller.ts';
import { FakeClock, FakeLiveApi, T0 } from './fake-live-api.ts';

const VIEW_ID = deriveViewId(createWriteKey());

/** Stored entries: a new reading, or a resend of an earlier one (delivery is at least once), in ingestion order. */
const entries = fc.array(fc.oneof(fc.constant(-1), fc.nat(40)), { minLength: 1, maxLength: 40 });

const scenario = entries.chain((kinds) =>
  fc.record({
    kinds: fc.constant(kinds),
    cuts: fc.uniqueArray(fc.integer({ min: 1, max: Math.max(1, kinds.length - 1) }), { maxLength: kinds.length - 1 }),
    dropped: fc.array(fc.boolean(), { minLength: kinds.length, maxLength: kinds.length }),
    order: fc.array(fc.boolean(), { minLength: 2 * kinds.length, maxLength: 2 * kinds.length }),
  }),
);

/** The readings in the store, position by position: a resend repeats the reading object it resends. */
function storedOf(kinds: readonly number[]): PublicReading[] {
  const stored: PublicReading[] = [];
  const fresh: PublicReading[] = [];
  kinds.forEach((kind, i) => {
    const resent = kind >= 0 ? fresh[kind % Math.max(1, fresh.length)] : undefined;
    const reading = resent ?? { seq: fresh.length, t: T0 + i * 1000, bpm: 60 + i };
    if (resent === undefined) fresh.push(reading);
    stored.push(reading);
  });
  return stored;
}

function batchesOf(length: number, cuts: readonly number[]): Array<{ start: number; end: number }> {
  const bounds = [0, ...[...new Set(cuts)].filter((c) => c > 0 && c < length).sort((a, b) => a - b), length];
  return bounds.slice(1).map((end, k) => ({ start: bounds[k] as number, end }));
}

/** A push channel the test drives, and delays that pass only when the test lets them. */
function harness() {
  const clock = new FakeClock();
  const api = new FakeLiveApi(clock);
  let handlers: PushHandlers | null = null;
  const push: PushChannel = {
    follow: (_targets, h) => {
      handlers = h;
      h.state('open');
      return { close: () => (handlers = null) };
    },
  };
  const waiting: Array<() => void> = [];
  const delay = (): Promise<void> => new Promise((resolve) => waiting.push(resolve));
  const controller = new ViewerController(VIEW_ID, { api, now: clock.now, delay, random: () => 0.5, push });
  const received: PublicReading[] = [];
  controller.onReadings((readings) => received.push(...readings));
  const settle = async (): Promise<void> => {
    for (let k = 0; k < 30; k++) await new Promise((resolve) => setImmediate(resolve));
  };
  const tick = async (): Promise<void> => {
    await settle();
    for (const resolve of waiting.splice(0)) resolve();
    await settle();
  };
  return { api, controller, received, tick, emit: (event: ReadingsEvent) => handlers?.event(event), following: () => handlers !== null };
}

describe('ViewerController: pushed events ahead of, behind and with gaps to the live API', () => {
  it('ends with exactly the stored readings, each once, in order, and never asks from an earlier cursor', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ kinds, cuts, dropped, order }) => {
        // Prepare
        const stored = storedOf(kinds);
        const batches = batchesOf(stored.length, cuts);
        const { api, controller, received, tick, emit, following } = harness();
        void controller.start();
        while (!following()) await tick();
        const session = { viewId: VIEW_ID, status: 'live' as const, serverTime: T0 };
        let published = 0;
        let visible = 0;

        // Act: publish (or drop) each batch's event and let the API serve each batch, in the generated interleaving;
        // the last event is always delivered, as a later one would show the gap in a running session.
        for (const publishNext of order) {
          // One action a step while any remain (2 × entries steps ≥ 2 × batches actions), so every one happens.
          if (published < batches.length && (publishNext || visible >= batches.length)) {
            const { start, end } = batches[published] as { start: number; end: number };
            if (!dropped[published] || published === batches.length - 1) {
              emit({ type: 'readings', viewId: VIEW_ID, from: String(start), next: String(end), readings: stored.slice(start, end), session });
            }
            published++;
          } else if (visible < batches.length) {
            const { start, end } = batches[visible] as { start: number; end: number };
            api.readings.push(...stored.slice(start, end));
            api.setStatus('live');
            visible++;
          }
          await tick();
        }
        for (let round = 0; round < 100 && received.length < new Set(stored.map((r) => r.seq)).size; round++) await tick();
        controller.stop();
        await tick();

        // Assess
        const expected = stored.filter((r, i) => stored.findIndex((s) => s.seq === r.seq) === i);
        expect(received).toEqual(expected);
        const afters = api.requests.filter((r) => r.kind === 'readings').map((r) => Number(r.after));
        expect(afters).toEqual([...afters].sort((a, b) => a - b));
      }),
      { numRuns: 150 },
    );
  });
});

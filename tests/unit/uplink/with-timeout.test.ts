import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sleep, withTimeout } from '../../../src/lib/with-timeout.ts';

// Fake timers: these tests are about which timer fires when, and must not wait for real time.
beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  vi.useRealTimers();
});

describe('sleep', () => {
  it('resolves once the time has passed, not before', async () => {
    // Prepare
    let done = false;
    void sleep(1_000).then(() => (done = true));

    // Act
    await vi.advanceTimersByTimeAsync(999);
    const early = done;
    await vi.advanceTimersByTimeAsync(1);

    // Assess
    expect(early).toBe(false);
    expect(done).toBe(true);
  });

  it('rejects with the reason at once when aborted, and leaves no timer behind', async () => {
    // Prepare
    const controller = new AbortController();
    const sleeping = sleep(60_000, controller.signal);

    // Act
    controller.abort(new Error('stopping'));

    // Assess
    await expect(sleeping).rejects.toThrow('stopping');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects without starting a timer when the signal was already aborted', async () => {
    // Prepare
    const signal = AbortSignal.abort(new Error('already stopped'));

    // Act
    const sleeping = sleep(60_000, signal);

    // Assess
    await expect(sleeping).rejects.toThrow('already stopped');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('withTimeout', () => {
  it('passes the value through and clears its timer', async () => {
    // Act
    const value = await withTimeout(Promise.resolve(42), 1_000, 'Answering');

    // Assess
    expect(value).toBe(42);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('rejects with a TimeoutError naming the step when the promise does not settle in time', async () => {
    // Prepare
    const result = withTimeout(new Promise(() => {}), 15_000, 'Loading config.json').catch((error: unknown) => error);

    // Act
    await vi.advanceTimersByTimeAsync(15_000);

    // Assess
    const error = await result;
    expect(error).toBeInstanceOf(DOMException);
    expect(error).toMatchObject({ name: 'TimeoutError', message: 'Loading config.json took longer than 15 s' });
  });
});

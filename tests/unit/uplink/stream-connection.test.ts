import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSenderLoader } from '../../../src/lib/uplink/stream-connection.ts';
import type { RuntimeConfig } from '../../../src/core/runtime-config.ts';

const EMBEDDED: RuntimeConfig = { mode: 'embedded', region: 'us-east-1', kinesis: { streamName: 's', endpoint: 'http://127.0.0.1:1' }, apiUrl: '/api' };

describe('createSenderLoader', () => {
  afterEach(() => vi.useRealTimers());

  it('gives up on a config.json that never answers, and asks again on the next call', async () => {
    // Prepare
    vi.useFakeTimers();
    const loadConfig = vi.fn<() => Promise<RuntimeConfig>>().mockReturnValueOnce(new Promise(() => {})).mockResolvedValueOnce(EMBEDDED);
    const getSender = createSenderLoader({ loadConfig, storage: null });
    // Act
    const first = getSender();
    const firstOutcome = expect(first).rejects.toMatchObject({ name: 'TimeoutError' });
    await vi.advanceTimersByTimeAsync(15_000);
    await firstOutcome;
    const second = await getSender();
    // Assess
    expect(loadConfig).toHaveBeenCalledTimes(2);
    expect(typeof second.put).toBe('function');
    expect(await getSender()).toBe(second);
  });
});

import { describe, expect, it } from 'vitest';
import { scaleOptionsFromEnv } from '../../bench/scale.ts';

describe('scaleOptionsFromEnv', () => {
  it('leaves every option to its default when nothing is set', () => {
    // Prepare
    const env = {};
    // Act
    const options = scaleOptionsFromEnv(env);
    // Assess
    expect(options).toEqual({ seconds: undefined, push: undefined, stream: undefined });
  });

  it('reads the duration, the push switch and the stream store', () => {
    // Prepare
    const env = { LHR_SCALE_SECONDS: '60', LHR_SCALE_PUSH: '0', LHR_SCALE_STREAM: 'memory' };
    // Act
    const options = scaleOptionsFromEnv(env);
    // Assess
    expect(options).toEqual({ seconds: 60, push: false, stream: 'memory' });
  });

  it.each([
    ['LHR_SCALE_SECONDS', '0'],
    ['LHR_SCALE_SECONDS', '1.5'],
    ['LHR_SCALE_SECONDS', 'ten'],
    ['LHR_SCALE_PUSH', 'yes'],
    ['LHR_SCALE_STREAM', 'leveldb'],
  ])('refuses %s=%s with a message that names it', (name, value) => {
    // Prepare
    const env = { [name]: value };
    // Act
    const read = (): unknown => scaleOptionsFromEnv(env);
    // Assess
    expect(read).toThrow(name);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as core from '../../../src/core/index.ts';

const coreDir = fileURLToPath(new URL('../../../src/core/', import.meta.url));
const sources = readdirSync(coreDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(coreDir + name, 'utf8') }));

describe('src/core boundaries', () => {
  it('imports only sibling core files, with the .ts extension', () => {
    const offending = sources.flatMap(({ name, text }) =>
      [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm)]
        .map((match) => match[1] ?? '')
        .filter((specifier) => !/^\.\/[a-z0-9-]+\.ts$/.test(specifier))
        .map((specifier) => `${name}: ${specifier}`),
    );

    expect(sources.length).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });

  it('uses no DOM or Node globals', () => {
    const forbidden = /\b(window|document|navigator|localStorage|process|Buffer|require)\b\s*[.(]/;

    const offending = sources.filter(({ text }) => forbidden.test(text.replace(/\/\/.*$/gm, ''))).map(({ name }) => name);

    expect(offending).toEqual([]);
  });

  it('exports every file from the index', () => {
    const index = sources.find(({ name }) => name === 'index.ts')?.text ?? '';

    const missing = sources
      .map(({ name }) => name)
      .filter((name) => name !== 'index.ts' && !index.includes(`from './${name}'`));

    expect(missing).toEqual([]);
  });

  it('exposes the agreed API through the index', () => {
    const expected = [
      'parseHeartRateMeasurement',
      'RECORD_VERSION',
      'MAX_RECORD_BYTES',
      'BOUNDS',
      'isControlRecord',
      'encodeRecord',
      'decodeRecord',
      'validateRecord',
      'readingToRecord',
      'createWriteKey',
      'deriveViewId',
      'isWriteKey',
      'isViewId',
      'createViewIdCache',
      'sha256',
      'zoneOf',
      'zoneBounds',
      'DEFAULT_MAX_HR',
      'isPlausibleMaxHr',
      'timeInZones',
      'rmssd',
      'RmssdAccumulator',
      'SessionStats',
      'STALE_AFTER_MS',
      'livenessOf',
      'fullJitterDelay',
      'RECONNECT_BACKOFF',
      'UPLINK_BACKOFF',
      'PUT_RECORDS_LIMITS',
      'countBatch',
    ];

    const missing = expected.filter((name) => !(name in core));

    expect(missing).toEqual([]);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coreDir = fileURLToPath(new URL('../../../src/core/', import.meta.url));
const sources = readdirSync(coreDir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({ name, text: readFileSync(coreDir + name, 'utf8') }));

// Pure libraries core may use: they run unchanged in the browser and in Node and touch neither.
const PURE_LIBRARIES = /^@noble\/hashes\/[a-z0-9]+\.js$/;

describe('src/core boundaries', () => {
  it('imports only sibling core files, with the .ts extension, and pure libraries', () => {
    const offending = sources.flatMap(({ name, text }) =>
      [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+['"]([^'"]+)['"]/gm)]
        .map((match) => match[1] ?? '')
        .filter((specifier) => !/^\.\/[a-z0-9-]+\.ts$/.test(specifier) && !PURE_LIBRARIES.test(specifier))
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
});

import { describe, expect, it } from 'vitest';
import { parseRuntimeConfig, type RuntimeConfig } from '../../../src/core/runtime-config.ts';

const EMBEDDED: RuntimeConfig = {
  mode: 'embedded',
  region: 'us-east-1',
  kinesis: { streamName: 'liveheartrate', endpoint: 'http://127.0.0.1:4567' },
  apiUrl: '/api',
};

const AWS: RuntimeConfig = {
  mode: 'aws',
  region: 'eu-west-1',
  kinesis: { streamName: 'ingest' },
  cognito: { identityPoolId: 'eu-west-1:0000', guestRoleArn: 'arn:aws:iam::123456789012:role/guest' },
  apiUrl: '/api',
};

describe('parseRuntimeConfig', () => {
  it.each([
    { name: 'embedded', config: EMBEDDED },
    { name: 'aws', config: AWS },
    {
      name: 'aws with local stand-ins',
      config: { ...AWS, cognito: { ...AWS.cognito!, identityEndpoint: 'http://127.0.0.1:1', stsEndpoint: 'http://127.0.0.1:2' } },
    },
    { name: 'embedded with its event stream', config: { ...EMBEDDED, push: { kind: 'sse' as const, url: '/api/events' } } },
    { name: 'embedded in LAN mode', config: { ...EMBEDDED, lan: { shareOrigin: 'https://192.168.1.20:8443', setupUrl: 'http://192.168.1.20:8081/' } } },
    {
      name: 'aws with its push channel',
      config: {
        ...AWS,
        push: { kind: 'appsync-events' as const, httpDomain: 'x.appsync-api.eu-west-1.amazonaws.com', realtimeDomain: 'x.appsync-realtime-api.eu-west-1.amazonaws.com', apiKey: 'da2-abc' },
      },
    },
  ])('accepts the $name config the infra writes', ({ config }) => {
    // Act
    const result = parseRuntimeConfig(JSON.parse(JSON.stringify(config)));

    // Assess
    expect(result).toEqual({ ok: true, config });
  });

  it.each([
    { push: 'sse', problem: 'config.json: push is not an object' },
    { push: { kind: 'websocket', url: '/ws' }, problem: 'config.json: push.kind must be "sse" or "appsync-events"' },
    { push: { kind: 'sse' }, problem: 'config.json: push.url is missing' },
    { push: { kind: 'appsync-events', httpDomain: 'h', realtimeDomain: 'r', apiKey: '' }, problem: 'config.json: push.apiKey must be a non-empty string' },
  ])('refuses a push setting it cannot use: $problem', ({ push, problem }) => {
    // Act
    const result = parseRuntimeConfig({ ...EMBEDDED, push });

    // Assess
    expect(result).toEqual({ ok: false, problem });
  });

  it.each([
    { lan: { shareOrigin: 'http://192.168.1.20:8080', setupUrl: 'http://192.168.1.20:8081/' }, problem: 'config.json: lan.shareOrigin must be an https origin such as "https://192.168.1.20:8443"' },
    { lan: { shareOrigin: 'https://192.168.1.20:8443/v', setupUrl: 'http://192.168.1.20:8081/' }, problem: 'config.json: lan.shareOrigin must be an https origin such as "https://192.168.1.20:8443"' },
    { lan: { shareOrigin: 'https://192.168.1.20:8443', setupUrl: 'javascript:alert(1)//' }, problem: 'config.json: lan.setupUrl must be an http(s) URL such as "http://192.168.1.20:8081/"' },
    { lan: { shareOrigin: 'https://192.168.1.20:8443' }, problem: 'config.json: lan.setupUrl is missing' },
  ])('refuses a LAN setting it cannot use: $problem', ({ lan, problem }) => {
    // Act
    const result = parseRuntimeConfig({ ...EMBEDDED, lan });

    // Assess
    expect(result).toEqual({ ok: false, problem });
  });

  it('keeps only the fields it checked', () => {
    // Prepare
    const withExtras = { ...EMBEDDED, debug: true, kinesis: { ...EMBEDDED.kinesis, shards: 4 } };

    // Act
    const result = parseRuntimeConfig(withExtras);

    // Assess
    expect(result).toEqual({ ok: true, config: EMBEDDED });
  });

  it.each([
    { name: 'not an object', value: '"/api"', problem: 'config.json: the file is not an object' },
    { name: 'an array', value: '[]', problem: 'config.json: the file is not an object' },
    { name: 'null', value: 'null', problem: 'config.json: the file is not an object' },
    { name: 'an unknown mode', value: '{"mode":"local"}', problem: 'config.json: mode must be "embedded" or "aws"' },
    { name: 'no region', value: '{"mode":"embedded"}', problem: 'config.json: region is missing' },
    { name: 'an empty region', value: '{"mode":"embedded","region":""}', problem: 'config.json: region must be a non-empty string' },
    { name: 'no kinesis', value: '{"mode":"embedded","region":"r"}', problem: 'config.json: kinesis is not an object' },
    {
      name: 'no stream name',
      value: '{"mode":"embedded","region":"r","kinesis":{}}',
      problem: 'config.json: kinesis.streamName is missing',
    },
    {
      name: 'a numeric endpoint',
      value: '{"mode":"embedded","region":"r","kinesis":{"streamName":"s","endpoint":4567}}',
      problem: 'config.json: kinesis.endpoint must be a non-empty string',
    },
    {
      name: 'no apiUrl',
      value: '{"mode":"embedded","region":"r","kinesis":{"streamName":"s"}}',
      problem: 'config.json: apiUrl is missing',
    },
    {
      name: 'aws without cognito',
      value: '{"mode":"aws","region":"r","kinesis":{"streamName":"s"},"apiUrl":"/api"}',
      problem: 'config.json: cognito is missing (required in "aws" mode)',
    },
    {
      name: 'cognito without a guest role',
      value: '{"mode":"aws","region":"r","kinesis":{"streamName":"s"},"apiUrl":"/api","cognito":{"identityPoolId":"p"}}',
      problem: 'config.json: cognito.guestRoleArn is missing',
    },
  ])('rejects $name with a readable problem', ({ value, problem }) => {
    // Act
    const result = parseRuntimeConfig(JSON.parse(value));

    // Assess
    expect(result).toEqual({ ok: false, problem });
  });
});

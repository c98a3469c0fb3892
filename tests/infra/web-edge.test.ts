// What CloudFront does at the edge, without CloudFront: the SPA routing function run as JavaScript, and the
// content security policy as the browser will read it.
import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../infra/cdk/web/security-headers.ts';
import { SPA_ROUTING_FUNCTION } from '../../infra/cdk/web/spa-routing.ts';

type ViewerRequest = { uri: string; querystring?: Record<string, unknown> };
// The CloudFront function is a source string: evaluating it is how to run the very code that ships.
// eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call
const handler = new Function(`${SPA_ROUTING_FUNCTION}\nreturn handler;`)() as (event: { request: ViewerRequest }) => ViewerRequest;
const route = (uri: string) => handler({ request: { uri, querystring: {} } }).uri;

describe('SPA routing function', () => {
  it.each([
    ['/', '/index.html'],
    ['/v/AAAAAAAAAAAAAAAAAAAAAA', '/index.html'],
    ['/v/AAAAAAAAAAAAAAAAAAAAAA/', '/index.html'],
    ['/settings', '/index.html'],
  ])('serves the app for the route %s', (uri, expected) => {
    expect(route(uri)).toBe(expected);
  });

  it.each(['/config.json', '/assets/index-DX29M5Oy.js', '/sw.js', '/manifest.webmanifest', '/icons/icon-192.png', '/index.html'])(
    'leaves the file %s alone',
    (uri) => {
      expect(route(uri)).toBe(uri);
    },
  );

  it('keeps the query string of a share link (?overlay)', () => {
    const request = handler({ request: { uri: '/v/AAAAAAAAAAAAAAAAAAAAAA', querystring: { overlay: { value: '' } } } });
    expect(request.querystring).toEqual({ overlay: { value: '' } });
  });

  it('is written in the JavaScript subset CloudFront Functions run (no arrow functions, let or const)', () => {
    expect(SPA_ROUTING_FUNCTION).not.toMatch(/=>|\blet\b|\bconst\b/);
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy({ region: 'ap-southeast-2', urlSuffix: 'amazonaws.com' });
  const directives = new Map(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)] as const));

  it('lets the app reach only its own origin and the regional Kinesis, Cognito identity and STS endpoints', () => {
    expect(directives.get('connect-src')).toEqual([
      "'self'",
      'https://kinesis.ap-southeast-2.amazonaws.com',
      'https://cognito-identity.ap-southeast-2.amazonaws.com',
      'https://sts.ap-southeast-2.amazonaws.com',
    ]);
  });

  it('allows no inline or foreign script, no plugins, no framing but by the app itself (the overlay preview)', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  });

  it('allows the service worker and the manifest from the same origin', () => {
    expect(directives.get('worker-src')).toEqual(["'self'"]);
    expect(directives.get('manifest-src')).toEqual(["'self'"]);
  });
});

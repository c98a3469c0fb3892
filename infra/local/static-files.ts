import { extname, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
};

export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticTarget = { ok: true; filePath: string } | { ok: false; status: 400 | 403 };

/** Maps a raw URL path to a file under root, refusing anything that would leave root once decoded. */
export function resolveStaticPath(root: string, rawPath: string): StaticTarget {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400 };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400 };
  const absoluteRoot = resolve(root);
  const filePath = resolve(absoluteRoot, `.${decoded.startsWith('/') ? '' : '/'}${decoded}`);
  if (filePath !== absoluteRoot && !filePath.startsWith(absoluteRoot + sep)) return { ok: false, status: 403 };
  return { ok: true, filePath };
}

/** A path without a file extension is a route of the single-page app (/, /v/<view id>), not a missing file. */
export function isAppRoute(urlPath: string): boolean {
  const lastSegment = urlPath.slice(urlPath.lastIndexOf('/') + 1);
  return extname(lastSegment) === '';
}

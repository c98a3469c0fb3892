// How long browsers and CDNs may keep each file of the built app, in one place for both worlds: the embedded
// server (infra/local) sends it as a header, the CDK deployment (infra/cdk) stores it on each S3 object.
// It lives in infra/, not src/core, because the app never reads it: it is a hosting rule about the build's
// layout (vite.config.ts puts content-hashed files under assets/), shared by the two ways to host it.

/** The build's folder of content-hashed files, relative to dist/. */
export const HASHED_ASSETS_DIR = 'assets';

/** A content-hashed file never changes under one name: keep it for a year without asking again. */
export const HASHED_ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

/**
 * Everything else keeps its name across builds (index.html, sw.js, the manifest, icons, config.json) and must
 * be revalidated, or a new build would not reach browsers — the service worker above all, which browsers
 * already cap at 24 hours.
 */
export const NAMED_FILE_CACHE_CONTROL = 'no-cache';

/** The Cache-Control for a URL path of the built app. */
export function cacheControlFor(urlPath: string): string {
  return urlPath.startsWith(`/${HASHED_ASSETS_DIR}/`) ? HASHED_ASSET_CACHE_CONTROL : NAMED_FILE_CACHE_CONTROL;
}

import { fetchRuntimeConfig } from '../uplink/runtime-config-loader.ts';

// Both worlds serve the live API on the app's own origin under this path (infra/cdk web-front, infra/local).
const SAME_ORIGIN_API_URL = '/api';

/**
 * The API URL from config.json, checked by the same rule as the broadcaster's. A viewer has no control to
 * report a config problem with, and an unreachable config.json (offline, served from the cache) must not
 * stop a share link (or a group page) from catching up later: either way it logs why and follows the same-origin API.
 */
export async function loadApiUrl(): Promise<string> {
  try {
    return (await fetchRuntimeConfig(`${import.meta.env.BASE_URL}config.json`)).apiUrl;
  } catch (error) {
    console.warn(`viewer: using ${SAME_ORIGIN_API_URL}:`, error instanceof Error ? error.message : error);
    return SAME_ORIGIN_API_URL;
  }
}

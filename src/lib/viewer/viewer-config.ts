// What a viewing page (a share link, an overlay, a group page) takes from config.json: where the live API is, and
// the push channel that carries events to it. Both worlds serve the API on the app's own origin, so a page that
// cannot read its config still follows the session, by long-poll.
import type { LanConfig, PushConfig } from '../../core/runtime-config.ts';
import { fetchRuntimeConfig } from '../uplink/runtime-config-loader.ts';
import { createAppSyncPushChannel } from './appsync-push-channel.ts';
import type { PushChannel } from './push-channel.ts';
import { createSsePushChannel } from './sse-push-channel.ts';

// Both worlds serve the live API on the app's own origin under this path (infra/cdk web-front, infra/local).
const SAME_ORIGIN_API_URL = '/api';

export interface ViewerConfig {
  apiUrl: string;
  /** Absent: long-poll only. */
  push: PushChannel | undefined;
  /** The embedded stack's LAN mode (group links are built on its origin); null elsewhere. */
  lan: LanConfig | null;
}

/**
 * config.json, checked by the same rule as the broadcaster's. A viewer has no control to report a config problem
 * with, and an unreachable config.json (offline, served from the cache) must not stop a share link or a group page
 * from catching up later: either way it logs why and follows the same-origin API, long-poll only.
 */
export async function loadViewerConfig(): Promise<ViewerConfig> {
  try {
    const config = await fetchRuntimeConfig(`${import.meta.env.BASE_URL}config.json`);
    return { apiUrl: config.apiUrl, push: createPushChannel(config.push), lan: config.lan ?? null };
  } catch (error) {
    console.warn(`viewer: using ${SAME_ORIGIN_API_URL}:`, error instanceof Error ? error.message : error);
    return { apiUrl: SAME_ORIGIN_API_URL, push: undefined, lan: null };
  }
}

/** The channel for the push setting config.json names: the embedded event stream, or AppSync Events in AWS. */
function createPushChannel(push: PushConfig | undefined): PushChannel | undefined {
  if (push?.kind === 'sse') return createSsePushChannel(push.url);
  if (push?.kind === 'appsync-events') return createAppSyncPushChannel(push);
  return undefined;
}

import { mount } from 'svelte';
import ViewerApp from './components/ViewerApp.svelte';
import { ViewerState } from './lib/state/viewer.svelte.ts';
import { ViewerAlertsState } from './lib/state/viewer-alerts.svelte.ts';
import { fetchRuntimeConfig } from './lib/uplink/runtime-config-loader.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';
import type { PushChannel } from './lib/viewer/push-channel.ts';
import { createSsePushChannel } from './lib/viewer/sse-push-channel.ts';
import type { ViewRoute } from './lib/viewer/view-route.ts';
import type { PushConfig, RuntimeConfig } from './core/runtime-config.ts';

// Both worlds serve the live API on the app's own origin under this path (infra/cdk web-front, infra/local).
const SAME_ORIGIN_API_URL = '/api';

export async function startViewer(target: HTMLElement, route: ViewRoute): Promise<void> {
  if (route.overlay !== null) document.documentElement.classList.add('overlay');
  const config = await loadViewerConfig();
  const viewer = new ViewerState(route.viewId ?? '', createLiveApiClient(config.apiUrl), pushChannelOf(config.push));
  // The overlay (streaming software) has no one to alert and no room for a banner.
  const alerts = route.overlay !== null ? null : new ViewerAlertsState(viewer.follower);
  alerts?.start();
  viewer.start();
  mount(ViewerApp, { target, props: { viewer, alerts, overlay: route.overlay } });
}

/**
 * The API URL from config.json, checked by the same rule as the broadcaster's. A viewer has no control to
 * report a config problem with, and an unreachable config.json (offline, served from the cache) must not
 * stop a share link from catching up later: either way it logs why and follows the same-origin API (long-poll only).
 */
async function loadViewerConfig(): Promise<Pick<RuntimeConfig, 'apiUrl' | 'push'>> {
  try {
    return await fetchRuntimeConfig(`${import.meta.env.BASE_URL}config.json`);
  } catch (error) {
    console.warn(`viewer: using ${SAME_ORIGIN_API_URL}:`, error instanceof Error ? error.message : error);
    return { apiUrl: SAME_ORIGIN_API_URL };
  }
}

/** The push channel config.json names; none (long-poll only) for a kind this page has no client for. */
function pushChannelOf(push: PushConfig | undefined): PushChannel | undefined {
  return push?.kind === 'sse' ? createSsePushChannel(push.url) : undefined;
}

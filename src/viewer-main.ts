import { mount } from 'svelte';
import ViewerApp from './components/ViewerApp.svelte';
import { ViewerState } from './lib/state/viewer.svelte.ts';
import { ViewerAlertsState } from './lib/state/viewer-alerts.svelte.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';
import { loadViewerConfig } from './lib/viewer/viewer-config.ts';
import type { ViewRoute } from './lib/viewer/view-route.ts';

export async function startViewer(target: HTMLElement, route: ViewRoute): Promise<void> {
  if (route.overlay !== null) document.documentElement.classList.add('overlay');
  const config = await loadViewerConfig();
  const viewer = new ViewerState(route.viewId ?? '', createLiveApiClient(config.apiUrl), config.push);
  // The overlay (streaming software) has no one to alert and no room for a banner.
  const alerts = route.overlay !== null ? null : new ViewerAlertsState(viewer.follower);
  alerts?.start();
  viewer.start();
  mount(ViewerApp, { target, props: { viewer, alerts, overlay: route.overlay } });
}

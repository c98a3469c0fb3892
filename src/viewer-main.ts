import { mount } from 'svelte';
import ViewerApp from './components/ViewerApp.svelte';
import { ViewerState } from './lib/state/viewer.svelte.ts';
import { ViewerAlertsState } from './lib/state/viewer-alerts.svelte.ts';
import { loadApiUrl } from './lib/viewer/api-url.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';
import type { ViewRoute } from './lib/viewer/view-route.ts';

export async function startViewer(target: HTMLElement, route: ViewRoute): Promise<void> {
  if (route.overlay) document.documentElement.classList.add('overlay');
  const viewer = new ViewerState(route.viewId ?? '', createLiveApiClient(await loadApiUrl()));
  // The overlay (streaming software) has no one to alert and no room for a banner.
  const alerts = route.overlay ? null : new ViewerAlertsState(viewer.follower);
  alerts?.start();
  viewer.start();
  mount(ViewerApp, { target, props: { viewer, alerts, overlay: route.overlay } });
}

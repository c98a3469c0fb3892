import { mount } from 'svelte';
import ViewerApp from './components/ViewerApp.svelte';
import { ViewerState } from './lib/state/viewer.svelte.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';
import type { ViewRoute } from './lib/viewer/view-route.ts';

const DEFAULT_API_URL = '/api';

export async function startViewer(target: HTMLElement, route: ViewRoute): Promise<void> {
  if (route.overlay) document.documentElement.classList.add('overlay');
  const viewer = new ViewerState(route.viewId ?? '', createLiveApiClient(await loadApiUrl()));
  viewer.start();
  mount(ViewerApp, { target, props: { viewer, overlay: route.overlay } });
}

async function loadApiUrl(): Promise<string> {
  try {
    const response = await fetch(`${import.meta.env.BASE_URL}config.json`, { cache: 'no-store' });
    const config: unknown = await response.json();
    const apiUrl = (config as { apiUrl?: unknown }).apiUrl;
    return typeof apiUrl === 'string' && apiUrl.length > 0 ? apiUrl : DEFAULT_API_URL;
  } catch {
    return DEFAULT_API_URL;
  }
}

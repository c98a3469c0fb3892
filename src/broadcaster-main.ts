import { mount } from 'svelte';
import App from './components/App.svelte';
import { createAppState } from './lib/state/app-state.ts';
import { errorNameOf } from './lib/lan/lan-page.ts';

export function startBroadcaster(target: HTMLElement): void {
  const state = createAppState();
  if (import.meta.env.PROD) state.pwa.register(`${import.meta.env.BASE_URL}sw.js`, (error) => state.lan.observeFailure(errorNameOf(error)));
  mount(App, { target, props: { state } });
}

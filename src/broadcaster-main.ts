import { mount } from 'svelte';
import App from './components/App.svelte';
import { createAppState } from './lib/state/app-state.ts';

export function startBroadcaster(target: HTMLElement): void {
  const state = createAppState();
  if (import.meta.env.PROD) state.pwa.register(`${import.meta.env.BASE_URL}sw.js`);
  mount(App, { target, props: { state } });
}

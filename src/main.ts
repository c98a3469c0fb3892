import { mount } from 'svelte';
import App from './components/App.svelte';
import { createAppState } from './lib/state/app-state.ts';
import './app.css';

const state = createAppState();
if (import.meta.env.PROD) state.pwa.register(`${import.meta.env.BASE_URL}sw.js`);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
mount(App, { target, props: { state } });

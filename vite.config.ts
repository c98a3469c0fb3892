import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { VitePWA } from 'vite-plugin-pwa';
import { embeddedStackForDev } from './infra/local/dev-server-plugin.ts';
import { pwaManifest } from './infra/pwa-manifest.ts';

export default defineConfig({
  plugins: [
    svelte(),
    // `npm run dev`: config.json and /api from the embedded stack, started with the dev server.
    embeddedStackForDev(),
    VitePWA({
      // The app shows its own "update available" prompt through workbox-window.
      registerType: 'prompt',
      injectRegister: false,
      manifest: pwaManifest,
      includeAssets: ['icons/*.png', 'icons/*.svg'],
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        // config.json says which world (embedded or AWS) the app talks to: never serve a stale precached one.
        globIgnores: ['config.json'],
        navigateFallback: 'index.html',
        navigateFallbackDenylist: [/^\/api\//],
        runtimeCaching: [
          {
            urlPattern: ({ url }) => url.pathname.endsWith('/config.json'),
            handler: 'NetworkFirst',
            options: { cacheName: 'runtime-config', networkTimeoutSeconds: 3 },
          },
        ],
      },
    }),
  ],
  build: {
    target: 'es2022',
    sourcemap: true,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});

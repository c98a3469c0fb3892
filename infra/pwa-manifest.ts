// Plain data for the web app manifest; vite.config.ts wires it into the PWA plugin.
export const pwaManifest = {
  name: 'liveheartrate',
  short_name: 'Heart rate',
  description: 'Your heart rate, live, from a watch or chest strap, shared with anyone you choose.',
  start_url: '/',
  scope: '/',
  display: 'standalone' as const,
  orientation: 'any' as const,
  background_color: '#0f1115',
  theme_color: '#0f1115',
  icons: [
    { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
    { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
    { src: 'icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' as const },
  ],
};

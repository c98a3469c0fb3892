import './app.css';
import { parseViewRoute } from './lib/viewer/view-route.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// Viewers never load the sensor or uplink code: each page is its own chunk.
const route = parseViewRoute(location.pathname, location.search);
if (route) {
  const { startViewer } = await import('./viewer-main.ts');
  await startViewer(target, route);
} else {
  const { startBroadcaster } = await import('./broadcaster-main.ts');
  startBroadcaster(target);
}

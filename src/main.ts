import './app.css';
import { parseGroupRoute } from './lib/group/group-route.ts';
import { parseViewRoute } from './lib/viewer/view-route.ts';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

// Viewers never load the sensor or uplink code: each page is its own chunk.
const route = parseViewRoute(location.pathname, location.search);
const group = route ? null : parseGroupRoute(location.pathname, location.search);
if (route) {
  const { startViewer } = await import('./viewer-main.ts');
  await startViewer(target, route);
} else if (group) {
  const { startGroup } = await import('./group-main.ts');
  await startGroup(target, group);
} else {
  const { startBroadcaster } = await import('./broadcaster-main.ts');
  startBroadcaster(target);
}

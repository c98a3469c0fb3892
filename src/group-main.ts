import { mount } from 'svelte';
import GroupApp from './components/GroupApp.svelte';
import { GROUP_SORTS, type GroupSort } from './lib/group/group-tile.ts';
import type { GroupIds } from './lib/group/group-route.ts';
import { GroupState } from './lib/state/group.svelte.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';
import { loadViewerConfig } from './lib/viewer/viewer-config.ts';
import { chooseShareOrigin } from './lib/lan/lan-page.ts';

/**
 * The group page (/g?v=…): many shared sessions on one screen, all on one push subscription (config.json's `push`),
 * polling the live API when there is none or it fails.
 */
export async function startGroup(target: HTMLElement, ids: GroupIds): Promise<void> {
  const params = new URLSearchParams(location.search);
  // Read even with no one to follow: in LAN mode the group link the builder makes is on the LAN origin.
  const config = await loadViewerConfig();
  const group = ids.viewIds.length === 0 ? null : new GroupState(ids.viewIds, createLiveApiClient(config.apiUrl), config.push ?? null);
  const shareOrigin = chooseShareOrigin(location.origin, config.lan);
  const sort = params.get('sort');
  if (group && GROUP_SORTS.includes(sort as GroupSort)) group.sort = sort as GroupSort;
  group?.start();
  mount(GroupApp, { target, props: { group, ids, large: params.get('large') === '1', shareOrigin } });
}

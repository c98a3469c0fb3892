import { mount } from 'svelte';
import GroupApp from './components/GroupApp.svelte';
import { GROUP_SORTS, type GroupSort } from './lib/group/group-tile.ts';
import type { GroupIds } from './lib/group/group-route.ts';
import { GroupState } from './lib/state/group.svelte.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';
import { loadViewerConfig } from './lib/viewer/viewer-config.ts';

/**
 * The group page (/g?v=…): many shared sessions on one screen, all on one push subscription (config.json's `push`),
 * polling the live API when there is none or it fails.
 */
export async function startGroup(target: HTMLElement, ids: GroupIds): Promise<void> {
  const params = new URLSearchParams(location.search);
  const config = ids.viewIds.length === 0 ? null : await loadViewerConfig();
  const group = config === null ? null : new GroupState(ids.viewIds, createLiveApiClient(config.apiUrl), config.push ?? null);
  const sort = params.get('sort');
  if (group && GROUP_SORTS.includes(sort as GroupSort)) group.sort = sort as GroupSort;
  group?.start();
  mount(GroupApp, { target, props: { group, ids, large: params.get('large') === '1' } });
}

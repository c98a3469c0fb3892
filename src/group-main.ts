import { mount } from 'svelte';
import GroupApp from './components/GroupApp.svelte';
import { GROUP_SORTS, type GroupSort } from './lib/group/group-tile.ts';
import type { GroupIds } from './lib/group/group-route.ts';
import { GroupState } from './lib/state/group.svelte.ts';
import { loadApiUrl } from './lib/viewer/api-url.ts';
import { createLiveApiClient } from './lib/viewer/live-api-client.ts';

/**
 * The group page (/g?v=…): many shared sessions on one screen. It polls the live API for now; the push channel
 * built from config.json's `push` (src/core/runtime-config.ts) plugs in as GroupState's third argument.
 */
export async function startGroup(target: HTMLElement, ids: GroupIds): Promise<void> {
  const params = new URLSearchParams(location.search);
  const group = ids.viewIds.length === 0 ? null : new GroupState(ids.viewIds, createLiveApiClient(await loadApiUrl()), null);
  const sort = params.get('sort');
  if (group && GROUP_SORTS.includes(sort as GroupSort)) group.sort = sort as GroupSort;
  group?.start();
  mount(GroupApp, { target, props: { group, ids, large: params.get('large') === '1' } });
}

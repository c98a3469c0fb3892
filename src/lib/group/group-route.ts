// The group page's address, /g?v=<view id>,<view id>,…, and the share links a coach pastes to build one. Only view
// ids travel: a group link is as public as the share links it was built from, and holds nothing else.
import { MAX_FOLLOWED_SESSIONS } from '../../core/live-events.ts';
import { isViewId } from '../../core/session-key.ts';
import { parseViewRoute } from '../viewer/view-route.ts';

export interface GroupIds {
  /** Distinct view ids in the order given, at most MAX_FOLLOWED_SESSIONS. */
  viewIds: string[];
  /** Entries that were not a view id (or a share link holding one). */
  invalid: number;
  /** Valid ids beyond MAX_FOLLOWED_SESSIONS, left out. */
  overLimit: number;
}

const GROUP_PATH = /^\/g\/?$/;

/** The group page's ids from its address; null when the address is not the group page. */
export function parseGroupRoute(pathname: string, search: string): GroupIds | null {
  if (!GROUP_PATH.test(pathname)) return null;
  const entries = new URLSearchParams(search)
    .getAll('v')
    .flatMap((value) => value.split(','))
    .filter((entry) => entry !== '');
  return collectIds(entries.map((entry) => (isViewId(entry) ? entry : null)));
}

/** Share links (or bare view ids), one per line, as pasted: blank lines are skipped, anything else is counted. */
export function parseShareLinks(text: string): GroupIds {
  const lines = text
    .split(/\r?\n/u)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return collectIds(lines.map(viewIdOfLink));
}

export function groupLinkFor(origin: string, viewIds: readonly string[]): string {
  // Commas stay readable: view ids are base64url, so no id holds one.
  return `${origin}/g?v=${viewIds.join(',')}`;
}

function viewIdOfLink(line: string): string | null {
  if (isViewId(line)) return line;
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    return null;
  }
  return parseViewRoute(url.pathname, url.search)?.viewId ?? null;
}

function collectIds(candidates: ReadonlyArray<string | null>): GroupIds {
  const unique = new Set<string>();
  let invalid = 0;
  for (const id of candidates) {
    if (id === null) invalid++;
    else unique.add(id);
  }
  const all = [...unique];
  return { viewIds: all.slice(0, MAX_FOLLOWED_SESSIONS), invalid, overLimit: Math.max(0, all.length - MAX_FOLLOWED_SESSIONS) };
}

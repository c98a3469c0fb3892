import { isViewId } from '../../core/session-key.ts';

/** A share link: /v/{viewId}, with ?overlay for streaming software. viewId is null when the link is mangled. */
export interface ViewRoute {
  viewId: string | null;
  overlay: boolean;
}

const VIEW_PATH = /^\/v\/([^/]*)\/?$/;

export function parseViewRoute(pathname: string, search: string): ViewRoute | null {
  const match = VIEW_PATH.exec(pathname);
  if (!match) return null;
  let candidate: string;
  try {
    candidate = decodeURIComponent(match[1] ?? '');
  } catch {
    candidate = '';
  }
  const params = new URLSearchParams(search);
  const overlay = params.has('overlay') && params.get('overlay') !== '0';
  return { viewId: isViewId(candidate) ? candidate : null, overlay };
}

export function shareLinkFor(origin: string, viewId: string): string {
  return `${origin}/v/${viewId}`;
}

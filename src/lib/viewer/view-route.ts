import { isViewId } from '../../core/session-key.ts';
import { overlayQuery, parseOverlayParams, type OverlayParams } from './overlay-params.ts';

/** A share link: /v/{viewId}, with ?overlay for streaming software. viewId is null when the link is mangled. */
export interface ViewRoute {
  viewId: string | null;
  /** The overlay's settings (overlay-params.ts); null for the viewer page. */
  overlay: OverlayParams | null;
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
  return { viewId: isViewId(candidate) ? candidate : null, overlay: parseOverlayParams(search) };
}

export function shareLinkFor(origin: string, viewId: string): string {
  return `${origin}/v/${viewId}`;
}

/** The browser-source URL of an overlay of a share link (the overlay builder writes it, the viewer reads it). */
export function overlayLinkFor(shareLink: string, params: OverlayParams): string {
  return `${shareLink}?${overlayQuery(params)}`;
}

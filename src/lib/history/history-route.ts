// Where in the history the person is, kept in the URL's hash (#history, #history/<id>) so a reload, the back
// button and a bookmark keep the place, without a router and without a second page for the service worker.

export type HistoryRoute = { view: 'list' } | { view: 'session'; id: string };

const PREFIX = '#history';

/** The route a hash names, or null when it names none (the live page). */
export function parseHistoryHash(hash: string): HistoryRoute | null {
  if (hash === PREFIX) return { view: 'list' };
  if (!hash.startsWith(`${PREFIX}/`)) return null;
  const id = decodeId(hash.slice(PREFIX.length + 1));
  return id === null || id === '' ? { view: 'list' } : { view: 'session', id };
}

export function sessionHash(id: string): string {
  return `${PREFIX}/${encodeURIComponent(id)}`;
}

// A hash edited by hand can hold a broken escape: that names no session.
function decodeId(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

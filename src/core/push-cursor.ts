// How a page that follows a session by push keeps its cursor (docs/live-api.md, "Pushed events"). In AWS the consumer
// publishes a batch's readings as soon as they are durable, before the index refresh lets the live API serve them
// (functions/store/opensearch-store.ts), so an event's `next` can run ahead of what the API serves for up to a refresh
// interval, and the API then answers a cursor past its end with its own, older one. Hence two rules: a cursor never
// moves back, and a gap before an event counts as filled only once the page's cursor has reached the event's `from`.

/** Cursors are decimal strings without leading zeros (the live API's): the longer, or else the greater, is later. */
export function isLaterCursor(a: string, b: string): boolean {
  return a.length !== b.length ? a.length > b.length : a > b;
}

/** The later of two cursors: where a page stands after an answer or an event, never behind where it stood. */
export function laterCursor(a: string, b: string): string {
  return isLaterCursor(b, a) ? b : a;
}

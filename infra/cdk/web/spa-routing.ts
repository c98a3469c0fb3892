// CloudFront Function (viewer request) on the site behaviour only, so /api/* is never rewritten: a path whose
// last segment has no file extension is a route of the single-page app (/, /v/<view id>) and gets index.html,
// as the local server does (sirv's single-page mode in infra/local/static-server.ts). Missing files keep their 403/404.
export const SPA_ROUTING_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  var last = uri.substring(uri.lastIndexOf('/') + 1);
  if (last.indexOf('.') === -1) request.uri = '/index.html';
  return request;
}`;

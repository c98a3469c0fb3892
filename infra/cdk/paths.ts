// Where the deployment finds the code it ships, relative to this file so it works from any working directory.
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export const ENTRIES = {
  consumer: fileURLToPath(new URL('../../functions/consumer/handler.ts', import.meta.url)),
  liveApi: fileURLToPath(new URL('../../functions/live-api/handler.ts', import.meta.url)),
  openSearchSetup: fileURLToPath(new URL('../../functions/opensearch-setup/handler.ts', import.meta.url)),
  sessionRetention: fileURLToPath(new URL('../../functions/retention/handler.ts', import.meta.url)),
  alertClock: fileURLToPath(new URL('../../functions/alert-clock/handler.ts', import.meta.url)),
  archiveTransform: fileURLToPath(new URL('../../functions/archive-transform/handler.ts', import.meta.url)),
} as const;

/** The push channel namespace's onSubscribe handler (APPSYNC_JS), shipped as written. */
export const ON_SUBSCRIBE_HANDLER = fileURLToPath(new URL('./push/on-subscribe.js', import.meta.url));

export const DASHBOARDS_NDJSON = fileURLToPath(new URL('./dashboards/liveheartrate.ndjson', import.meta.url));

// The push publisher a Lambda entry builds once at cold start from its environment: none when PUSH_HTTP_DOMAIN is
// not set (viewers then poll), else AppSync Events signed with the function role's credentials, read per publish
// since Lambda may renew them.
import { readPushHttpDomain, readRoleCredentials } from '../lib/env.ts';
import type { Logger } from '../lib/logger.ts';
import { createAppSyncPublisher, type LivePublisher } from './appsync-publisher.ts';

export function createPublisherFromEnv(env: NodeJS.ProcessEnv, region: string, log: Logger): LivePublisher | undefined {
  const httpDomain = readPushHttpDomain(env);
  if (httpDomain === undefined) return undefined;
  return createAppSyncPublisher({ httpDomain, region, credentials: async () => readRoleCredentials(env), fetch, now: Date.now, log });
}

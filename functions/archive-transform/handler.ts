// Lambda entry for the delivery stream's record transform (Firehose data transformation). It needs no
// configuration; what does not change between invocations is built once, at cold start: the logger and the view-id
// cache, so a warm container derives each session's view id once rather than once per record.
import type { FirehoseTransformationEvent, FirehoseTransformationResult } from 'aws-lambda';
import { createViewIdCache } from '../../src/core/session-key.ts';
import { createJsonLogger } from '../lib/logger.ts';
import { transformRecords } from './transform.ts';

const log = createJsonLogger();
const viewIdOf = createViewIdCache();

export function handler(event: FirehoseTransformationEvent): Promise<FirehoseTransformationResult> {
  // Async in shape only: Lambda's Node runtime expects a promise (or a callback) from the handler.
  return Promise.resolve(transformRecords(event, { log, now: Date.now, viewIdOf }));
}

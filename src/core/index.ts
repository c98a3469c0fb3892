// The pure core: runs unchanged in the browser PWA and in Node Lambdas, so it imports nothing but itself.
export * from './backoff.ts';
export * from './base64url.ts';
export * from './batching.ts';
export * from './hr-packet.ts';
export * from './hrv.ts';
export * from './liveness.ts';
export * from './record.ts';
export * from './session-key.ts';
export * from './session-stats.ts';
export * from './sha256.ts';
export * from './uplink-rules.ts';
export * from './utf8-length.ts';
export * from './zones.ts';

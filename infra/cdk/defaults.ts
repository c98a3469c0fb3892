// Every tunable of the AWS deployment, as plain data. Constructs read these; nothing here touches CDK, so the
// numbers can be reviewed (and tested) without synthesizing anything. Sized for one person broadcasting to a
// handful of viewers; docs/deploy-aws.md explains the latency and cost consequences.

export const DEFAULTS = {
  stackName: 'LiveHeartRate',

  stream: {
    // On-demand needs no capacity planning; 'provisioned' with one shard is the cheaper choice for one
    // person (docs/deploy-aws.md, "Cost").
    mode: 'on-demand' as 'on-demand' | 'provisioned',
    provisionedShards: 1,
    // The free minimum. It is also the replay window for batches the consumer gave up on (failure queue).
    retentionHours: 24,
  },

  consumer: {
    // docs/architecture.md "Latency path": records are handed to the consumer as soon as a poll returns them (window
    // 0), so the batch size only bounds catch-up after a backlog; 500 is what one producer PutRecords call
    // carries, so an outbox flush becomes one invocation and one bulk request.
    batchSize: 500,
    maxBatchingWindowSeconds: 0,
    // Two concurrent batches per shard: one slow bulk request (cold start, store hiccup) does not hold up
    // other sessions on the same shard, and per-session order is kept (Lambda keeps one partition key,
    // our view id, in order across the factor).
    parallelizationFactor: 2,
    // Bounded, so a batch the store keeps refusing cannot block its shard for the stream's whole retention.
    retryAttempts: 20,
    maxRecordAgeSeconds: 3600,
    memoryMiB: 512,
    timeoutSeconds: 30,
    // Push delivery (enhanced fan-out) instead of Lambda's ~1 s polling; costs a consumer-shard hour per
    // shard (docs/deploy-aws.md, "Latency budget").
    enhancedFanOut: false,
  },

  liveApi: {
    memoryMiB: 512,
    // The OpenSearch store has no long-poll, so the API answers at once; each store call gives up after 5 s
    // (functions/live-api/handler.ts). A short limit also bounds what a flood of odd requests can cost.
    timeoutSeconds: 10,
    // Unset: reserving concurrency fails in new accounts whose whole quota is below 100 + the reservation.
    reservedConcurrency: undefined as number | undefined,
  },

  speedLayer: {
    domainName: 'liveheartrate',
    // The newest engine aws-cdk-lib 2.276 knows (EngineVersion.OPENSEARCH_3_7); a plain string so a region
    // that lags can be pointed at an older one from context.
    engineVersion: '3.7',
    instanceType: 't3.small.search',
    instanceCount: 1,
    volumeGiB: 10,
    // Live views need hours, not months: history lives in S3/Athena.
    retentionDays: 7,
    logRetentionDays: 30,
  },

  sessionRetention: {
    // The same cadence as the embedded stack's timer (SESSION_RETENTION in src/core/session-retention.ts, asserted
    // equal by the infra tests); the days are speedLayer.retentionDays, the reading indices' retention.
    everyMinutes: 60,
    memoryMiB: 256,
    // One delete by query over the sessions index.
    timeoutSeconds: 60,
  },

  batchLayer: {
    // Firehose flushes at whichever comes first. One person at 1 Hz writes ~0.5 MB an hour, so the interval
    // decides: 5 minutes gives ~300 objects a day (cheap to list and scan) and history in Athena within
    // about 5 minutes. Larger buffers only matter at far higher volumes.
    bufferingIntervalSeconds: 300,
    bufferingSizeMiB: 64,
    rawRetentionDays: 365,
    // First day of the date projection; queries without a dt filter enumerate every day since.
    partitionStartDate: '2025-01-01',
    athenaResultsRetentionDays: 7,
    // A query that would scan more is cancelled: a mistyped query costs cents, not dollars.
    athenaBytesScannedCutoff: 1024 ** 3,
  },

  web: {
    // Europe and North America edge locations only; 'PriceClass_All' for viewers elsewhere.
    priceClass: 'PriceClass_100',
  },

  logs: {
    functionLogRetentionDays: 30,
    accessLogRetentionDays: 90,
  },

  alarms: {
    // Two seconds behind is the whole latency budget; a minute behind means the speed layer is not live.
    consumerIteratorAgeMs: 60_000,
    consumerErrorsPerFiveMinutes: 1,
    failureQueueDepth: 1,
    writeThrottlesPerFiveMinutes: 1,
    // AWS's recommended OpenSearch alarm: a quarter of the default 10 GiB volume left.
    openSearchFreeStorageMiB: 2560,
    // Shards of the domain's own indices (Dashboards, ISM state and its daily history kept a week, job
    // scheduler locks), on top of what the live store's indices explain.
    openSearchSystemShards: 20,
  },
} as const;

export type StreamMode = (typeof DEFAULTS)['stream']['mode'];

// Every tunable of the AWS deployment, as plain data. Constructs read these; nothing here touches CDK, so the
// numbers can be reviewed (and tested) without synthesizing anything. Sized for one person broadcasting to a
// handful of viewers; docs/deploy-aws.md explains the latency and cost consequences.

import { PUSH_NAMESPACE } from '../../src/core/push-channel-name.ts';

export const DEFAULTS = {
  stackName: 'LiveHeartRate',

  stream: {
    // On-demand needs no capacity planning; 'provisioned' with one shard is the cheaper choice for one
    // person (docs/deploy-aws.md, "Cost").
    mode: 'on-demand' as 'on-demand' | 'provisioned',
    provisionedShards: 1,
    // An on-demand stream starts with 4 MB/s of write capacity, i.e. 4 shards (aws-facts: on-demand), and
    // only adds shards past that: the consumer's concurrency bound below counts these.
    onDemandInitialShards: 4,
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
    // Push delivery (enhanced fan-out) instead of Lambda's ~1 s polling, on by default: with it the modelled p95 of the
    // push path is about 0.44 s, without it about 1.27 s, over the 1 s target (docs/architecture.md "Push latency and
    // cost"). It costs a consumer-shard hour per shard, about USD 0.015 an hour, USD 11 a month per shard (4 shards of
    // an on-demand stream at its start: about USD 44), plus a charge per GB read (docs/deploy-aws.md, "Cost").
    enhancedFanOut: true,
  },

  push: {
    // src/core/push-channel-name.ts names every session channel under this namespace.
    namespace: PUSH_NAMESPACE,
    apiKeyName: 'PublicSubscribe',
    // An API key lives at most 365 days; each deployment sets a new expiry a year on.
    apiKeyValidDays: 365,
  },

  liveApi: {
    memoryMiB: 512,
    // The OpenSearch store has no long-poll, so the API answers at once; each store call gives up after 5 s
    // (functions/live-api/handler.ts). A short limit also bounds what a flood of odd requests can cost.
    timeoutSeconds: 10,
    // Used only with -c reserveConcurrency=true: reserving fails in new accounts whose whole quota is below
    // 100 + the reservations (new accounts often have 10). A page request takes tens of milliseconds, so 10
    // concurrent requests serve some hundreds of viewers polling once a second; more would only hand a flood
    // to the one small OpenSearch node. Beyond it the function URL answers 429 until one is free.
    reservedConcurrency: 10,
  },

  // The optional web ACL (-c waf=true) in front of /api/*. A viewer asks about once a second, 60 a minute:
  // 600 a minute lets ten viewers share one address (a household, an office, a carrier's NAT) and stops one
  // client asking ten times a second. WAF's shortest window is 60 s.
  apiRateLimit: {
    requestsPerWindow: 600,
    windowSeconds: 60,
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

  alertClock: {
    // EventBridge's finest schedule: "no data" of N s is seen within about N s + 1 min in AWS (the embedded
    // stack's timer runs every second: ALERT_CLOCK_INTERVAL_MS in infra/local/local-stack.ts).
    everyMinutes: 1,
    memoryMiB: 256,
    // One search and one bulk write of the sessions index; well inside the minute before the next run.
    timeoutSeconds: 30,
  },

  batchLayer: {
    // Firehose flushes at whichever comes first. One person at 1 Hz writes ~0.5 MB an hour, so the interval
    // decides: 5 minutes gives ~300 objects a day (cheap to list and scan) and history in Athena within
    // about 5 minutes. 64 MiB is also the smallest buffer Firehose accepts with Parquet conversion.
    bufferingIntervalSeconds: 300,
    bufferingSizeMiB: 64,
    rawRetentionDays: 365,
    // errors/ holds malformed input exactly as it was sent, and a malformed record can still carry a write key:
    // kept two weeks, long enough to look into a spike of failures, short enough that a leaked key there is
    // mostly of a session long over.
    errorRetentionDays: 14,
    // Years of the integer partition projection (year=, then month=, day=, hour=). A query without a year
    // filter plans one path per hour of the range (~8,800 a year), so the range is bounded; extending it is a
    // change of table parameters only, no data moves.
    partitionYears: { first: 2025, last: 2045 },
    athenaResultsRetentionDays: 7,
    // A query that would scan more is cancelled: a mistyped query costs cents, not dollars.
    athenaBytesScannedCutoff: 1024 ** 3,
  },

  archiveTransform: {
    // Firehose hands the function a batch every minute or every MiB of records, whichever comes first (Firehose's
    // own defaults). A MiB is ~10,000 records, base64 included well under Lambda's 6 MB payload; the function
    // transforms that in tens of milliseconds (BENCHMARKS.md, "archive transform"), so the minute adds nothing
    // beside the 5-minute delivery buffer.
    bufferIntervalSeconds: 60,
    bufferSizeMiB: 1,
    // Invocation failures (timeouts, throttling) are retried; after that the whole batch goes to errors/.
    retries: 3,
    memoryMiB: 256,
    timeoutSeconds: 60,
  },

  web: {
    // Europe and North America edge locations only; 'PriceClass_All' for viewers elsewhere.
    priceClass: 'PriceClass_100',
  },

  openSearchSetup: {
    // The deploy-time setup waits for the domain by asking again (the Provider's completion check), not
    // inside one invocation: a new access policy answers 403 for a few minutes, Dashboards starts last.
    queryIntervalSeconds: 30,
    // One pass makes at most 12 requests, one after another: 3 templates, 4 per ISM policy (readings, alerts) and
    // the Dashboards import; the function's timeout fits them all at their whole request timeout.
    requestTimeoutSeconds: 20,
    checkTimeoutSeconds: 240,
    // After this a Dashboards still not ready is reported in the stack output, not waited for.
    dashboardsWaitMinutes: 15,
    // The one overall deadline: the resource fails with what the domain last answered.
    deadlineMinutes: 25,
    // The Provider's own backstop, after the deadline's last check; it fails with only "Operation timed
    // out". At most 60 (the Provider's limit), and CloudFormation waits up to an hour for a custom resource.
    totalTimeoutMinutes: 30,
  },

  logs: {
    functionLogRetentionDays: 30,
    // Lambda's START and REPORT lines are system logs at INFO: at 100 broadcasters about 10 GB a month of lines
    // nobody reads (docs/deploy-aws.md, "Per-invocation cost"); failures still show in the Errors metric and its
    // alarm. Our own JSON lines carry a level and keep INFO and above.
    functionSystemLogLevel: 'WARN' as 'DEBUG' | 'INFO' | 'WARN',
    functionApplicationLogLevel: 'INFO' as 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'FATAL',
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
    // The app stays below the consumer's per-session rate limit (docs/speed-layer.md): a record it drops comes
    // from a writer that is not the app, or from an offline backlog longer than the burst. Worth a look each time.
    rateLimitedRecordsPerFiveMinutes: 1,
    // An alert event that SNS or the alerts index did not take (after the client's own retries) is not re-sent:
    // each one is worth a look, since someone may be waiting for it.
    alertPublishFailuresPerFiveMinutes: 1,
    // The transform answers malformed input instead of throwing: any error is the function failing a whole batch.
    archiveTransformErrorsPerFiveMinutes: 1,
    // Monthly Kinesis spend (AWS Budgets, filter "Amazon Kinesis", the whole account) above which the alarm
    // topic hears about it, actual or forecast. On-demand idles at about USD 29 a stream plus up to USD 0.40 per
    // broadcaster sending all month; a provisioned shard is about USD 11, an enhanced fan-out consumer about USD 11 a
    // shard (docs/deploy-aws.md, "Cost"). Each is rounded up so ordinary use stays under it.
    streamBudgetUsd: { onDemand: 40, perProvisionedShard: 15, perFanOutShard: 15 },
    // Shards of the domain's own indices (Dashboards, ISM state and its daily history kept a week, job
    // scheduler locks), on top of what the live store's indices explain.
    openSearchSystemShards: 20,
  },
} as const;

export type StreamMode = (typeof DEFAULTS)['stream']['mode'];

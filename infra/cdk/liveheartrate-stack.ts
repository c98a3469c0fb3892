// The whole AWS deployment (docs/architecture.md "Two ways to run", right column), wired from single-purpose constructs.
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { ALERTS_INDEX_PATTERN, READINGS_INDEX_PATTERN, SESSIONS_INDEX } from '../../functions/store/opensearch-indices.ts';
import type { RuntimeConfig } from '../../src/core/runtime-config.ts';
import type { AppOptions } from './app-options.ts';
import { ApiWebAcl } from './constructs/api-web-acl.ts';
import { BatchLayer } from './constructs/batch-layer.ts';
import { GuestAccess } from './constructs/guest-access.ts';
import { IngestStream } from './constructs/ingest-stream.ts';
import { LiveStoreDomain } from './constructs/live-store-domain.ts';
import { NodeFunction } from './constructs/node-function.ts';
import { OpenSearchSetup } from './constructs/opensearch-setup.ts';
import { PipelineAlarms } from './constructs/pipeline-alarms.ts';
import { PushChannel } from './constructs/push-channel.ts';
import { secureBucket } from './constructs/secure-bucket.ts';
import { SessionRetention } from './constructs/session-retention.ts';
import { AlertClock } from './constructs/alert-clock.ts';
import { AlertTopic } from './constructs/alert-topic.ts';
import { StreamCostBudget } from './constructs/stream-cost-budget.ts';
import { concurrencyBoundOf, StreamConsumer } from './constructs/stream-consumer.ts';
import { API_PATH_PREFIX, WebFront } from './constructs/web-front.ts';
import { DEFAULTS } from './defaults.ts';
import { buildSetupConfig } from './opensearch-setup/build-config.ts';
import { DASHBOARDS_NDJSON, ENTRIES } from './paths.ts';

export interface LiveHeartRateStackProps extends StackProps {
  options: AppOptions;
}

export class LiveHeartRateStack extends Stack {
  readonly appUrl: string;

  constructor(scope: Construct, id: string, props: LiveHeartRateStackProps) {
    super(scope, id, props);
    const { options } = props;

    // CloudFront's standard logs are written with object ACLs, so this one bucket keeps ACLs enabled.
    const accessLogs = secureBucket(this, 'AccessLogs', {
      expireAfterDays: DEFAULTS.logs.accessLogRetentionDays,
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
    });
    // No AwsSolutions-S1 acknowledgment: cdk-nag already counts the bucket other buckets log into as compliant.

    const { stream } = new IngestStream(this, 'Ingest', { mode: options.streamMode, shards: options.streamShards });
    const guests = new GuestAccess(this, 'Guests', { stream });

    const store = new LiveStoreDomain(this, 'LiveStore', {
      domainName: options.openSearchDomainName,
      engineVersion: options.openSearchEngineVersion,
      instanceType: options.openSearchInstanceType,
      adminPrincipalArn: options.adminPrincipalArn,
    });
    // Alert events, apart from the pipeline alarms' topic (functions/alerts/, docs/deploy-aws.md "Alerts").
    const alertTopic = new AlertTopic(this, 'Alerts', options.alertEmail !== undefined ? { email: options.alertEmail } : {});
    const consumer = new StreamConsumer(this, 'Consumer', {
      entry: ENTRIES.consumer,
      stream,
      openSearchEndpointUrl: store.endpointUrl,
      alertTopicArn: alertTopic.topic.topicArn,
      enhancedFanOut: options.enhancedFanOut,
      // Exactly the batches the stream can run at once: the consumer is never starved by other functions in
      // the account, and never holds more than it can use.
      ...(options.reserveConcurrency ? { reservedConcurrency: concurrencyBoundOf(options.streamMode, options.streamShards) } : {}),
    });
    const liveApi = new NodeFunction(this, 'LiveApi', {
      entry: ENTRIES.liveApi,
      description: 'liveheartrate: live API for viewers (behind CloudFront)',
      memoryMiB: DEFAULTS.liveApi.memoryMiB,
      timeout: Duration.seconds(DEFAULTS.liveApi.timeoutSeconds),
      environment: { OPENSEARCH_ENDPOINT: store.endpointUrl },
      // The only cap a function URL behind CloudFront has: past it, requests get 429 instead of reaching OpenSearch.
      ...(options.reserveConcurrency ? { reservedConcurrency: DEFAULTS.liveApi.reservedConcurrency } : {}),
    }).fn;
    const setup = new OpenSearchSetup(this, 'OpenSearchSetup', {
      entry: ENTRIES.openSearchSetup,
      endpointUrl: store.endpointUrl,
      config: buildSetupConfig({
        retentionDays: options.speedRetentionDays,
        dataNodes: DEFAULTS.speedLayer.instanceCount,
        dashboardsNdjsonPath: DASHBOARDS_NDJSON,
      }),
    });
    // Templates must be in place before the first reading creates an index with default mappings. Only the
    // function itself waits: its role must exist before the domain, whose access policy names it.
    consumer.fn.node.defaultChild?.node.addDependency(setup.resource);

    // The consumer makes two calls (functions/store/opensearch-store.ts): a real-time _mget of session documents
    // and stored readings, and _bulk creates and versioned index writes. Both are POSTs to domain-level paths;
    // OpenSearch does not check the indices named inside their bodies against this policy.
    store.allow({ principal: roleOf(consumer.fn), verbs: ['Post'], paths: ['_mget', '_bulk'] });
    // Alert events it stored go to the alerts indices (functions/alerts/alerts-index-outlet.ts): a bulk with the
    // index in its path, which the client sends as PUT; and to the alert topic.
    store.allow({ principal: roleOf(consumer.fn), verbs: ['Put'], paths: [`${ALERTS_INDEX_PATTERN}/_bulk`] });
    alertTopic.allowPublish(roleOf(consumer.fn));
    // What the consumer wrote, pushed to viewers (functions/push/, docs/deploy-aws.md "Push channel"): only it publishes.
    const push = new PushChannel(this, 'Push');
    push.allowPublish(roleOf(consumer.fn));
    consumer.fn.addEnvironment('PUSH_HTTP_DOMAIN', push.api.httpDns);
    // The live API only reads: a session document by id (GET) and a search of the reading indices, which
    // the client sends as POST because it has a body. POST on the whole domain would also allow writes and
    // _delete_by_query, so POST is limited to the _search path of the reading indices.
    store.allow({ principal: roleOf(liveApi), verbs: ['Get'], paths: [`${SESSIONS_INDEX}/_doc/*`] });
    store.allow({ principal: roleOf(liveApi), verbs: ['Get', 'Post'], paths: [`${READINGS_INDEX_PATTERN}/_search`] });
    store.allow({ principal: setup.role, verbs: ['Get', 'Put', 'Post'] });
    // Sessions go after the same retention as the reading indices; the function can only delete by query on the
    // sessions index.
    const retention = new SessionRetention(this, 'SessionRetention', {
      entry: ENTRIES.sessionRetention,
      openSearchEndpointUrl: store.endpointUrl,
      retentionDays: options.speedRetentionDays,
    });
    store.allow({ principal: retention.role, verbs: ['Post'], paths: [`${SESSIONS_INDEX}/_delete_by_query`] });
    // "No data" needs time: the alert clock searches the sessions with alert rules and writes back those that
    // fired, both on the sessions index's own paths; the search is a POST (it has a body), a bulk with the index in
    // its path a PUT. The events it stored go to the alerts indices the same way, and to the alert topic.
    const alertClock = new AlertClock(this, 'AlertClock', {
      entry: ENTRIES.alertClock,
      openSearchEndpointUrl: store.endpointUrl,
      alertTopicArn: alertTopic.topic.topicArn,
    });
    store.allow({ principal: alertClock.role, verbs: ['Post'], paths: [`${SESSIONS_INDEX}/_search`] });
    store.allow({ principal: alertClock.role, verbs: ['Put'], paths: [`${SESSIONS_INDEX}/_bulk`, `${ALERTS_INDEX_PATTERN}/_bulk`] });
    alertTopic.allowPublish(alertClock.role);
    // A "no data" alert reaches viewers on push only if the clock publishes it: nothing else writes then.
    push.allowPublish(alertClock.role);
    alertClock.fn.addEnvironment('PUSH_HTTP_DOMAIN', push.api.httpDns);

    const batch = new BatchLayer(this, 'Batch', {
      stream,
      accessLogsBucket: accessLogs,
      rawRetentionDays: options.rawRetentionDays,
      transformEntry: ENTRIES.archiveTransform,
    });

    const runtimeConfig: RuntimeConfig = {
      mode: 'aws',
      region: this.region,
      kinesis: { streamName: stream.streamName },
      cognito: { identityPoolId: guests.identityPool.identityPoolId, guestRoleArn: guests.guestRole.roleArn },
      apiUrl: '/api',
      push: { kind: 'appsync-events', httpDomain: push.api.httpDns, realtimeDomain: push.api.realtimeDns, apiKey: push.apiKey },
    };
    const webAcl = options.waf ? new ApiWebAcl(this, 'ApiWebAcl', { apiPathPrefix: API_PATH_PREFIX }).webAcl : undefined;
    const web = new WebFront(this, 'Web', {
      siteDir: options.siteDir,
      liveApi,
      accessLogsBucket: accessLogs,
      runtimeConfig,
      ...(options.customDomain !== undefined ? { customDomain: options.customDomain } : {}),
      ...(webAcl !== undefined ? { webAclArn: webAcl.attrArn } : {}),
    });
    this.appUrl = web.appUrl;

    const alarms = new PipelineAlarms(this, 'Alarms', {
      consumer: consumer.fn,
      archiveTransform: batch.transform,
      failureQueue: consumer.failureQueue,
      stream,
      domain: store.domain,
      speedRetentionDays: options.speedRetentionDays,
      dataNodes: DEFAULTS.speedLayer.instanceCount,
      ...(options.alarmEmail !== undefined ? { email: options.alarmEmail } : {}),
    });
    new StreamCostBudget(this, 'StreamCost', {
      topic: alarms.topic,
      mode: options.streamMode,
      shards: options.streamShards,
      enhancedFanOut: options.enhancedFanOut,
    });

    const outputs: Record<string, [string, string]> = {
      AppUrl: [web.appUrl, 'Open this to broadcast; share links start with it'],
      StreamName: [stream.streamName, 'Kinesis stream the app writes to'],
      IdentityPoolId: [guests.identityPool.identityPoolId, 'Cognito identity pool (guest identities, basic flow)'],
      GuestRoleArn: [guests.guestRole.roleArn, 'Role guests assume: PutRecord(s) on the stream only'],
      OpenSearchDashboardsUrl: [store.dashboardsUrl, 'OpenSearch Dashboards (SigV4 as the admin principal)'],
      DashboardsImport: [setup.dashboardsOutcome, 'Outcome of importing infra/cdk/dashboards/liveheartrate.ndjson at this deployment'],
      AthenaWorkGroup: [batch.workGroupName, 'Athena workgroup with the saved queries'],
      GlueDatabase: [batch.databaseName, 'Glue database of the readings archive table'],
      RawDataBucket: [batch.rawBucket.bucketName, 'Archive (Parquet, view ids) and under errors/ malformed input as sent, keys possible: keep private'],
      AthenaResultsBucket: [batch.resultsBucket.bucketName, 'Athena query results'],
      SiteBucket: [web.siteBucket.bucketName, 'The built app (private; served through CloudFront)'],
      AccessLogsBucket: [accessLogs.bucketName, 'S3 and CloudFront access logs'],
      FailedBatchesQueueUrl: [consumer.failureQueue.queueUrl, 'Batches the consumer gave up on (shard and sequence ranges)'],
      AlarmTopicArn: [alarms.topic.topicArn, 'Subscribe here to receive the pipeline alarms'],
      AlertTopicArn: [alertTopic.topic.topicArn, 'Subscribe here to receive alert events (JSON; dedupe on the id attribute)'],
      PushHttpDomain: [push.api.httpDns, 'AppSync Events API the consumer publishes live events to (subscribers use the realtime domain in config.json)'],
    };
    for (const [id, [value, description]] of Object.entries(outputs)) new CfnOutput(this, id, { value, description });
  }
}

function roleOf(fn: { role?: iam.IRole | undefined }): iam.IRole {
  if (fn.role === undefined) throw new Error('function has no role');
  return fn.role;
}

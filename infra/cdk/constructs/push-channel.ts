// The AWS push channel (docs/deploy-aws.md "Push channel"): an AppSync Events API with one channel namespace. Pages
// connect and subscribe with an API key, which config.json hands to every visitor, as the Cognito guest pool is
// public; the namespace's onSubscribe handler lets a subscription through only for one session's channel. Only IAM
// may publish, and only the roles given to allowPublish (the consumer's) have the permission.
import { readFileSync } from 'node:fs';
import { Duration, Expiration } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULTS } from '../defaults.ts';
import { ON_SUBSCRIBE_HANDLER } from '../paths.ts';

export class PushChannel extends Construct {
  readonly api: appsync.EventApi;
  /** The public key pages subscribe with. */
  readonly apiKey: string;
  private readonly namespace: appsync.ChannelNamespace;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const { apiKeyName, apiKeyValidDays, namespace } = DEFAULTS.push;
    this.api = new appsync.EventApi(this, 'Api', {
      apiName: 'liveheartrate-push',
      authorizationConfig: {
        authProviders: [
          {
            authorizationType: appsync.AppSyncAuthorizationType.API_KEY,
            // Set from the deployment's date: each deployment moves the expiry on (docs/deploy-aws.md "Push channel").
            apiKeyConfig: { name: apiKeyName, description: 'Public: lets pages subscribe to one session channel', expires: Expiration.after(Duration.days(apiKeyValidDays)) },
          },
          { authorizationType: appsync.AppSyncAuthorizationType.IAM },
        ],
        connectionAuthModeTypes: [appsync.AppSyncAuthorizationType.API_KEY],
        defaultSubscribeAuthModeTypes: [appsync.AppSyncAuthorizationType.API_KEY],
        defaultPublishAuthModeTypes: [appsync.AppSyncAuthorizationType.IAM],
      },
    });
    const key = this.api.apiKeys[apiKeyName];
    if (key === undefined) throw new Error('the Event API has no API key');
    this.apiKey = key.attrApiKey;
    this.namespace = this.api.addChannelNamespace('Live', {
      channelNamespaceName: namespace,
      // Inline, so the template holds the very code the infra tests run.
      code: appsync.Code.fromInline(readFileSync(ON_SUBSCRIBE_HANDLER, 'utf8')),
      authorizationConfig: {
        subscribeAuthModeTypes: [appsync.AppSyncAuthorizationType.API_KEY],
        publishAuthModeTypes: [appsync.AppSyncAuthorizationType.IAM],
      },
    });
  }

  /** appsync:EventPublish on this namespace's channels, nothing else. */
  allowPublish(role: iam.IRole): void {
    this.namespace.grantPublish(role);
  }
}

import { CfnOutput, Duration, Expiration } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import { Construct } from 'constructs';
import type { IdentityProps } from './apis.construct.js';

/** The channel namespace of live channels: the fan-out publishes to `/live/<channelId>`. */
export const LIVE_NAMESPACE = 'live';

/** How long the anonymous viewers' API key lives (AppSync allows up to 365 days from creation; a redeploy renews it). */
export const VIEWER_API_KEY_DAYS = 360;

export interface EventApiProps {
  readonly identity?: IdentityProps;
}

/**
 * The AppSync Event API of the `appsync-events` broadcaster. One namespace per use (`live`):
 *  - publish: IAM only, and only the functions granted `appsync:EventPublish` on it (the
 *    fan-out); viewers can never publish;
 *  - subscribe (and connect): the same OIDC issuer and audience as the HTTP API when identity is
 *    configured; an API key for anonymous watching when anonymous viewers are allowed (the
 *    default, as on the WebSocket API). Without identity the API key is the only way in.
 */
export class EventApi extends Construct {
  readonly api: appsync.EventApi;
  readonly namespace: appsync.ChannelNamespace;
  readonly namespaceName = LIVE_NAMESPACE;
  readonly apiKey: appsync.CfnApiKey | undefined;

  constructor(scope: Construct, id: string, props: EventApiProps) {
    super(scope, id);
    const { identity } = props;
    const anonymous = identity === undefined || identity.allowAnonymousViewers !== false;
    const viewerModes: appsync.AppSyncAuthorizationType[] = [
      ...(identity === undefined ? [] : [appsync.AppSyncAuthorizationType.OIDC]),
      ...(anonymous ? [appsync.AppSyncAuthorizationType.API_KEY] : []),
    ];
    const providers: appsync.AppSyncAuthProvider[] = [
      { authorizationType: appsync.AppSyncAuthorizationType.IAM },
      ...(identity === undefined
        ? []
        : [
            {
              authorizationType: appsync.AppSyncAuthorizationType.OIDC,
              openIdConnectConfig: { oidcProvider: identity.issuerUrl, clientId: identity.audience },
            },
          ]),
      ...(anonymous
        ? [
            {
              authorizationType: appsync.AppSyncAuthorizationType.API_KEY,
              apiKeyConfig: {
                name: 'viewers',
                description: 'Anonymous viewers: subscribe only',
                expires: Expiration.after(Duration.days(VIEWER_API_KEY_DAYS)),
              },
            },
          ]
        : []),
    ];
    this.api = new appsync.EventApi(this, 'Api', {
      apiName: 'stampede-live',
      authorizationConfig: {
        authProviders: providers,
        connectionAuthModeTypes: viewerModes,
        defaultPublishAuthModeTypes: [appsync.AppSyncAuthorizationType.IAM],
        defaultSubscribeAuthModeTypes: viewerModes,
      },
    });
    this.namespace = this.api.addChannelNamespace('Live', {
      channelNamespaceName: LIVE_NAMESPACE,
      authorizationConfig: {
        publishAuthModeTypes: [appsync.AppSyncAuthorizationType.IAM],
        subscribeAuthModeTypes: viewerModes,
      },
    });
    this.apiKey = anonymous ? this.api.apiKeys['viewers'] : undefined;

    new CfnOutput(scope, 'EventApiHttpEndpoint', {
      value: `https://${this.api.httpDns}/event`,
      description: 'AppSync Events HTTP endpoint (its host is the auth header host)',
    });
    new CfnOutput(scope, 'EventApiRealtimeUrl', {
      value: `wss://${this.api.realtimeDns}/event/realtime`,
      description: 'wss:// URL viewers subscribe on (appsync-events)',
    });
    if (this.apiKey)
      new CfnOutput(scope, 'EventApiViewerKey', {
        value: this.apiKey.attrApiKey,
        description: 'API key for anonymous viewers (subscribe only); goes in config.js',
      });
  }
}

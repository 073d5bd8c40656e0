import { AppSyncEventsViewerDelivery } from '../../adapters/appsync/viewer-delivery-adapter-appsync-events.js';
import type { AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { TOKENS, type Binding } from './tokens.js';

/**
 * The fan-out's ViewerDelivery on an AppSync Event API (the `appsync-events` broadcaster):
 * HTTP publish signed with the function role's credentials (the SDK's default provider).
 */
export const viewerDeliveryOnAppSyncEvents =
  (s: AwsClientSettings, endpoint: string, namespace: string): Binding =>
  (bind) =>
    bind(
      TOKENS.ViewerDelivery,
      (get) =>
        new AppSyncEventsViewerDelivery({
          endpoint,
          region: s.region,
          namespace,
          sleeper: get(TOKENS.Sleeper),
          ...(s.credentials ? { credentials: s.credentials } : {}),
        }),
    );

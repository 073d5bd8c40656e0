import { randomBytes } from 'node:crypto';
import { ContainerModule } from 'inversify';
import { AppSyncEventsViewerDelivery } from '../../adapters/appsync/viewer-delivery-adapter-appsync-events.js';
import { seededRandom } from '../../adapters/in-memory/clock-adapter-in-memory.js';
import { AppSyncEventsStandIn } from '../../adapters/local/appsync-events-standin.js';
import type { TokenVerifier } from '../../application/ports/token-verifier.port.js';
import { TOKENS } from '../composition/tokens.js';
import type { LocalConfig } from './local-config.js';

/** The channel namespace live channels are published in (the stack creates the same). */
export const LIVE_NAMESPACE = 'live';

/** What a viewer needs to subscribe: the shape of the reference client's AppSync Events transport. */
export interface LocalEventApiEndpoints {
  readonly httpEndpoint: string;
  readonly realtimeUrl: string;
  /** The auth object's `host`. */
  readonly host: string;
  readonly namespace: string;
  /** Anonymous viewers' key (only accepted when anonymous viewers are allowed). */
  readonly apiKey: string;
}

export interface LocalEventApi extends LocalEventApiEndpoints {
  readonly standIn: AppSyncEventsStandIn;
  /** Rebinds the fan-out's ViewerDelivery to the publisher (load after the defaults). */
  readonly module: ContainerModule;
  stop(): Promise<void>;
}

/**
 * `--broadcaster appsync-events`, locally (development only): starts the AppSync Events
 * stand-in and points the fan-out's ViewerDelivery at it through the same HTTP publisher the
 * fan-out Lambda uses (SigV4 with throwaway credentials; the stand-in checks the header's form).
 * Viewers subscribe with a development token (OIDC, as the HTTP API) or, if anonymous viewers
 * are allowed, with the stand-in's API key. The runtime's chaos settings apply here too:
 * `data` messages duplicated (duplicate rate) and delivered out of order (reorder), and
 * published events reported `failed` (crash rate), which the publisher retries.
 */
export const startLocalEventApi = async (config: LocalConfig, verifier: TokenVerifier): Promise<LocalEventApi> => {
  const apiKey = `da2-local${randomBytes(12).toString('hex')}`;
  const authorize = async (auth: Readonly<Record<string, string>>): Promise<boolean> => {
    if (auth['x-api-key'] !== undefined) return config.allowAnonymousViewers && auth['x-api-key'] === apiKey;
    const token = (auth['Authorization'] ?? auth['authorization'] ?? '').replace(/^Bearer\s+/i, '');
    if (token === '') return false;
    try {
      await verifier.verify(token);
      return true;
    } catch {
      return false;
    }
  };
  const standIn = await AppSyncEventsStandIn.start({
    host: config.host,
    port: config.eventApiPort,
    namespaces: [LIVE_NAMESPACE],
    authorize,
    chaos: {
      duplicateRate: config.duplicateRate,
      reorderMs: config.reorder ? 40 : 0,
      failRate: config.crashRate,
      random: config.seed > 0 ? seededRandom(config.seed + 16) : Math.random,
    },
  });
  const module = new ContainerModule(({ bind, isBound, rebind }) => {
    (isBound(TOKENS.ViewerDelivery) ? rebind(TOKENS.ViewerDelivery) : bind(TOKENS.ViewerDelivery))
      .toDynamicValue(
        (ctx) =>
          new AppSyncEventsViewerDelivery({
            endpoint: standIn.httpEndpoint,
            region: 'us-east-1',
            namespace: LIVE_NAMESPACE,
            credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
            sleeper: ctx.get(TOKENS.Sleeper),
          }),
      )
      .inSingletonScope();
  });
  return {
    standIn,
    module,
    apiKey,
    namespace: LIVE_NAMESPACE,
    httpEndpoint: standIn.httpEndpoint,
    realtimeUrl: standIn.realtimeEndpoint,
    host: standIn.host,
    stop: () => standIn.close(),
  };
};

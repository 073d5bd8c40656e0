import { CommandHandler } from '../../application/command-handler.js';
import type { BeaconTokens } from '../../application/ports/beacon-tokens.port.js';
import type { PresenceBucketStore } from '../../application/ports/presence-bucket-store.port.js';
import type { PresenceStream } from '../../application/ports/presence-stream.port.js';
import { presenceSettings } from '../../application/presence/presence-settings.js';
import { withViewerCountRateLimit } from '../../application/presence/viewer-count-rate-limit.js';
import { ViewerCountPublisher } from '../../application/presence/viewer-count-publisher.js';
import { makeGrantBeacon } from '../../application/presence-stream/beacon-grant.js';
import {
  defaultAggregatorSettings,
  PresenceAggregator,
} from '../../application/presence-stream/presence-aggregator.js';
import { makeRouteBeats, type RouteBeats } from '../../application/presence-stream/route-beats.js';
import { presenceLayout, type PresenceLayout } from '../../application/presence-stream/sub-partitions.js';
import { channelCodec, channelDecider } from '../../domain/channel/index.js';
import { makeBeatRouterHandler, type BeatRouterHandler } from '../handlers/beat-router.js';
import { makePresenceAggregatorHandler, type PresenceAggregatorHandler } from '../handlers/presence-aggregator.js';
import { makeBeaconRoutes } from '../http/beacon.routes.js';
import { setting, TOKENS, type Binding, bindingsModule, tokenIn, commandPorts } from './tokens.js';

const token = tokenIn('presence-beacon');

/** The beacon path's settings: the same K (and B) for router and aggregator, and the TTL. */
export interface BeaconSettings {
  readonly layout: PresenceLayout;
  readonly ttlMs: number;
}

/**
 * The beacon presence path (docs/ARCHITECTURE.md, "Presence at scale"). Ports first: beacon
 * tokens (HMAC), the presence stream (Kinesis), the packed bucket store (the presence table).
 */
export const BEACON_TOKENS = {
  Settings: token<BeaconSettings>('Settings'),
  /** Where viewers send beacons (the join answers carry it): https://<beacon distribution>/beat, or /beat locally. */
  Url: token<string>('Url'),
  Tokens: token<BeaconTokens>('Tokens'),
  Stream: token<PresenceStream>('Stream'),
  Buckets: token<PresenceBucketStore>('Buckets'),
  RouteBeats: token<RouteBeats>('RouteBeats'),
  Aggregator: token<PresenceAggregator>('Aggregator'),
  BeatRouterHandler: token<BeatRouterHandler>('BeatRouterHandler'),
  AggregatorHandler: token<PresenceAggregatorHandler>('AggregatorHandler'),
} as const;

export const beaconSettings = (s: {
  readonly subPartitions: number;
  readonly buckets: number;
  readonly ttlSeconds: number;
}): Binding =>
  setting(BEACON_TOKENS.Settings, {
    layout: presenceLayout({ subPartitions: s.subPartitions, buckets: s.buckets }),
    ttlMs: s.ttlSeconds * 1000,
  });

/**
 * The beat-router and presence-aggregator use cases and handlers, over port tokens only. The
 * aggregator publishes the count through its own channel command handler whose decider carries
 * the viewer-count rate limit (at most once a second per channel, only on change), as F5 does.
 */
export const presenceBeaconModule = bindingsModule((bind) => {
  bind(BEACON_TOKENS.RouteBeats, (get) =>
    makeRouteBeats({
      tokens: get(BEACON_TOKENS.Tokens),
      stream: get(BEACON_TOKENS.Stream),
      layout: get(BEACON_TOKENS.Settings).layout,
    }),
  );
  bind(BEACON_TOKENS.Aggregator, (get) => {
    const { ttlMs, layout } = get(BEACON_TOKENS.Settings);
    const { minPublishIntervalMs } = presenceSettings({ ttlMs });
    const clock = get(TOKENS.Clock);
    const rule = withViewerCountRateLimit(channelDecider, minPublishIntervalMs);
    const channels = new CommandHandler(rule, channelCodec, commandPorts(get));
    return new PresenceAggregator({
      buckets: get(BEACON_TOKENS.Buckets),
      publisher: new ViewerCountPublisher(channels, minPublishIntervalMs),
      stream: get(BEACON_TOKENS.Stream),
      clock,
      settings: defaultAggregatorSettings(ttlMs, layout),
    });
  });
  bind(BEACON_TOKENS.BeatRouterHandler, (get) =>
    makeBeatRouterHandler({ routeBeats: get(BEACON_TOKENS.RouteBeats), logger: get(TOKENS.Logger) }),
  );
  bind(BEACON_TOKENS.AggregatorHandler, (get) =>
    makePresenceAggregatorHandler({
      aggregator: get(BEACON_TOKENS.Aggregator),
      logger: get(TOKENS.Logger),
    }),
  );
});

/**
 * Beacon grants in the join answers: the `joined` frame's `beacon` (live.module.ts reads the
 * optional token) and `GET /api/channels/{channelId}/beacon`. Loaded by ws-message and http-api
 * only when BEACON_TOKEN_KEY is set (presenceIngress=beacon), and by the local runtime.
 */
export const beaconGrantModule = bindingsModule((bind) => {
  bind(TOKENS.GrantBeacon, (get) =>
    makeGrantBeacon({
      tokens: get(BEACON_TOKENS.Tokens),
      ids: get(TOKENS.Ids),
      url: get(BEACON_TOKENS.Url),
    }),
  );
  bind(TOKENS.HttpRoutes, (get) =>
    makeBeaconRoutes({
      grantBeacon: get(TOKENS.GrantBeacon),
      onUnexpected: (error) => get(TOKENS.Logger).error('unexpected error in the beacon route', { error }),
    }),
  );
});

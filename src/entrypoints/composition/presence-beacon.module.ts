import { ContainerModule } from 'inversify';
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
import { setting, TOKENS, type Binding, type Token } from './tokens.js';

const token = <T>(name: string): Token<T> => Symbol.for(`stampede.presence-beacon.${name}`) as Token<T>;

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
export const presenceBeaconModule = new ContainerModule(({ bind }) => {
  bind(BEACON_TOKENS.RouteBeats)
    .toDynamicValue((ctx) =>
      makeRouteBeats({
        tokens: ctx.get(BEACON_TOKENS.Tokens),
        stream: ctx.get(BEACON_TOKENS.Stream),
        layout: ctx.get(BEACON_TOKENS.Settings).layout,
      }),
    )
    .inSingletonScope();
  bind(BEACON_TOKENS.Aggregator)
    .toDynamicValue((ctx) => {
      const { ttlMs, layout } = ctx.get(BEACON_TOKENS.Settings);
      const { minPublishIntervalMs } = presenceSettings({ ttlMs });
      const clock = ctx.get(TOKENS.Clock);
      const channels = new CommandHandler(
        withViewerCountRateLimit(channelDecider, minPublishIntervalMs),
        channelCodec,
        {
          store: ctx.get(TOKENS.EventStore),
          clock,
          ids: ctx.get(TOKENS.Ids),
          sleeper: ctx.get(TOKENS.Sleeper),
        },
      );
      return new PresenceAggregator({
        buckets: ctx.get(BEACON_TOKENS.Buckets),
        publisher: new ViewerCountPublisher(channels, minPublishIntervalMs),
        stream: ctx.get(BEACON_TOKENS.Stream),
        clock,
        settings: defaultAggregatorSettings(ttlMs, layout),
      });
    })
    .inSingletonScope();
  bind(BEACON_TOKENS.BeatRouterHandler)
    .toDynamicValue((ctx) =>
      makeBeatRouterHandler({ routeBeats: ctx.get(BEACON_TOKENS.RouteBeats), logger: ctx.get(TOKENS.Logger) }),
    )
    .inSingletonScope();
  bind(BEACON_TOKENS.AggregatorHandler)
    .toDynamicValue((ctx) =>
      makePresenceAggregatorHandler({
        aggregator: ctx.get(BEACON_TOKENS.Aggregator),
        logger: ctx.get(TOKENS.Logger),
      }),
    )
    .inSingletonScope();
});

/**
 * Beacon grants in the join answers: the `joined` frame's `beacon` (live.module.ts reads the
 * optional token) and `GET /api/channels/{channelId}/beacon`. Loaded by ws-message and http-api
 * only when BEACON_TOKEN_KEY is set (presenceIngress=beacon), and by the local runtime.
 */
export const beaconGrantModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.GrantBeacon)
    .toDynamicValue((ctx) =>
      makeGrantBeacon({
        tokens: ctx.get(BEACON_TOKENS.Tokens),
        ids: ctx.get(TOKENS.Ids),
        url: ctx.get(BEACON_TOKENS.Url),
      }),
    )
    .inSingletonScope();
  bind(TOKENS.HttpRoutes)
    .toDynamicValue((ctx) =>
      makeBeaconRoutes({
        grantBeacon: ctx.get(TOKENS.GrantBeacon),
        onUnexpected: (error) => ctx.get(TOKENS.Logger).error('unexpected error in the beacon route', { error }),
      }),
    )
    .inSingletonScope();
});

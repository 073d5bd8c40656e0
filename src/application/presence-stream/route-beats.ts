import type { ChannelId, SessionId } from '../../domain/shared/ids.js';
import type { BeaconTokens } from '../ports/beacon-tokens.port.js';
import type { PresenceStream } from '../ports/presence-stream.port.js';
import type { BeatRecord } from './beat-record.js';
import { subPartitionOf, type PresenceLayout } from './sub-partitions.js';

/** A beacon as the edge received it: the query's fields, and the edge's receive time. */
export interface BeaconHit {
  readonly channelId: ChannelId;
  readonly sessionId: SessionId;
  readonly sequence: number;
  readonly token: string;
  readonly at: number;
  /** The end beacon (`e=1`). */
  readonly end?: boolean;
}

export interface RouteBeatsDeps {
  readonly tokens: BeaconTokens;
  readonly stream: PresenceStream;
  readonly layout: PresenceLayout;
}

/**
 * The beat-router's use case (and the local `/beat` endpoint's): keep the beacons whose token
 * matches their channel and session, and put them on the presence stream under their
 * sub-partition. Returns how many were forged (dropped: a wrong token is not retried).
 */
export const makeRouteBeats =
  (deps: RouteBeatsDeps) =>
  async (hits: readonly BeaconHit[]): Promise<{ readonly routed: number; readonly forged: number }> => {
    const beats: BeatRecord[] = [];
    for (const hit of hits) {
      if (!deps.tokens.verify(hit.channelId, hit.sessionId, hit.token)) continue;
      beats.push({
        kind: 'beat',
        channelId: hit.channelId,
        k: subPartitionOf(hit.sessionId, deps.layout),
        sessionId: hit.sessionId,
        sequence: hit.sequence,
        at: hit.at,
        ...(hit.end === true ? { end: true as const } : {}),
      });
    }
    if (beats.length > 0) await deps.stream.publish(beats);
    return { routed: beats.length, forged: hits.length - beats.length };
  };
export type RouteBeats = ReturnType<typeof makeRouteBeats>;

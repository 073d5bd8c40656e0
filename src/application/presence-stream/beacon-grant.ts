import type { BeaconTokens } from '../ports/beacon-tokens.port.js';
import type { IdGenerator } from '../ports/id-generator.port.js';

/** What a viewer needs to beat over the beacon: its playback session, the token for it, where and how often. */
export interface BeaconGrant {
  readonly sessionId: string;
  readonly token: string;
  /** `https://<beacon distribution>/beat` in AWS; `/beat` (same origin) in the local runtime. */
  readonly url: string;
  readonly intervalMs: number;
}

/** The player's beat period: the TTL (15 s) keeps a session counted across two lost beats. */
export const BEACON_INTERVAL_MS = 5_000;

export interface GrantBeaconDeps {
  readonly tokens: BeaconTokens;
  readonly ids: IdGenerator;
  readonly url: string;
}

/**
 * A new playback session for a viewer joining `channelId`, with its beacon token. The server
 * picks the session id, so a token names exactly one session; issuing writes nothing (the token
 * is an HMAC the beat-router recomputes), so a join costs no extra write.
 */
export const makeGrantBeacon =
  (deps: GrantBeaconDeps) =>
  (channelId: string): BeaconGrant => {
    const sessionId = `b-${deps.ids.next()}`;
    return {
      sessionId,
      token: deps.tokens.issue(channelId, sessionId),
      url: deps.url,
      intervalMs: BEACON_INTERVAL_MS,
    };
  };
export type GrantBeacon = ReturnType<typeof makeGrantBeacon>;

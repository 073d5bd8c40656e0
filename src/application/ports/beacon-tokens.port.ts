/**
 * Beacon tokens: issued at join for (channel, session), checked on every beat, so nobody can
 * beat for a session they did not join (an HMAC with a key from configuration in production).
 */
export interface BeaconTokens {
  issue(channelId: string, sessionId: string): string;
  verify(channelId: string, sessionId: string, token: string): boolean;
}

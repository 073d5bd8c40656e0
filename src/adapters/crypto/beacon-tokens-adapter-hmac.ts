import { createHmac, timingSafeEqual } from 'node:crypto';
import type { BeaconTokens } from '../../application/ports/beacon-tokens.port.js';

/** 128 bits of HMAC-SHA256 is plenty against forgery and keeps the beacon URL short (22 characters). */
const TOKEN_BYTES = 16;

/**
 * Beacon tokens as a truncated HMAC-SHA256 over `channel \n session`, base64url. Stateless:
 * the edge logs the token and the router recomputes it, so issuing costs no write. The key
 * comes from configuration (BEACON_TOKEN_KEY, at least 32 bytes); rotating it invalidates the
 * tokens of current viewers, who get a new one when they join again.
 */
export class HmacBeaconTokens implements BeaconTokens {
  private readonly key: Buffer;

  constructor(key: string) {
    if (Buffer.byteLength(key) < 32) throw new RangeError('the beacon token key must be at least 32 bytes');
    this.key = Buffer.from(key);
  }

  issue(channelId: string, sessionId: string): string {
    return this.mac(channelId, sessionId).toString('base64url');
  }

  verify(channelId: string, sessionId: string, token: string): boolean {
    const given = Buffer.from(token, 'base64url');
    return given.length === TOKEN_BYTES && timingSafeEqual(given, this.mac(channelId, sessionId));
  }

  private mac(channelId: string, sessionId: string): Buffer {
    return createHmac('sha256', this.key).update(`${channelId}\n${sessionId}`).digest().subarray(0, TOKEN_BYTES);
  }
}

import { z } from 'zod';
import { ChannelId, SessionId } from '../../domain/shared/ids.js';

/**
 * The beacon's query: `/beat?c=<channel>&s=<session>&q=<seq>&t=<token>` (PROTOCOL.md). Short
 * names because every byte is logged 100,000 times a second at the seed load.
 */
export const BeaconQuery = z.object({
  c: ChannelId,
  s: SessionId,
  q: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  t: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 't must be the beacon token from the join answer'),
  /** `e=1`: the player leaves (page closed, viewer left): the session stops counting now, not after the TTL. */
  e: z.literal('1', { message: 'e must be 1 (the end beacon) or absent' }).optional(),
});
export type BeaconQuery = z.infer<typeof BeaconQuery>;

/** The query's fields as a flat object (the last value wins, as a CDN cache key would not care). */
export const queryFields = (query: string): Record<string, string> => Object.fromEntries(new URLSearchParams(query));

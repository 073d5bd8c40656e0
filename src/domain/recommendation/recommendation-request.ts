import { z } from 'zod';
import { RequestId, UserId } from '../shared/ids.js';

export const MIN_TOP_N = 1;
/** Bounded so a single request cannot make the consumer rank and cache an unbounded list. */
export const MAX_TOP_N = 50;
export const DEFAULT_TOP_N = 10;

export const TopN = z
  .number()
  .int(`top_n must be a whole number from ${MIN_TOP_N} to ${MAX_TOP_N}`)
  .min(MIN_TOP_N, `top_n must be at least ${MIN_TOP_N}`)
  .max(MAX_TOP_N, `top_n must be at most ${MAX_TOP_N}`);

/**
 * Epoch milliseconds. The seed's producers send ISO-8601 strings (`2025-10-24T10:30:00Z`), ours
 * send numbers; both are accepted and normalised to milliseconds.
 */
const Timestamp = z.union([
  z.number().int().nonnegative(),
  z.iso.datetime({ offset: true }).transform((iso) => Date.parse(iso)),
]);

/**
 * One request on the recommendation request stream (Kinesis, partition key = userId, so one
 * user's requests stay in order on one shard).
 */
export const RecommendationRequest = z.object({
  userId: UserId,
  topN: TopN.default(DEFAULT_TOP_N),
  requestId: RequestId,
  timestamp: Timestamp,
});
export type RecommendationRequest = z.infer<typeof RecommendationRequest>;
/** What a producer writes (before defaults and normalisation). */
export type RecommendationRequestInput = z.input<typeof RecommendationRequest>;

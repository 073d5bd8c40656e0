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
 * One recommendation request, as the application handles it (partition key on the stream =
 * userId, so one user's requests stay in order on one shard).
 */
export const RecommendationRequest = z.object({
  userId: UserId,
  topN: TopN.default(DEFAULT_TOP_N),
  requestId: RequestId,
  timestamp: Timestamp,
});
export type RecommendationRequest = z.infer<typeof RecommendationRequest>;
/** What a producer hands the publisher (before defaults and normalisation). */
export type RecommendationRequestInput = z.input<typeof RecommendationRequest>;

/**
 * A request record on the stream, in the design's snake_case names — the canonical wire
 * format, which every producer (ours included) writes: `{ user_id, top_n, request_id,
 * timestamp }`.
 */
export interface RecommendationRequestRecord {
  readonly user_id: string;
  readonly top_n: number;
  readonly request_id: string;
  readonly timestamp: number;
}

const CAMEL_TO_SNAKE = [
  ['userId', 'user_id'],
  ['topN', 'top_n'],
  ['requestId', 'request_id'],
] as const;

/**
 * Records written before the snake_case format used camelCase (`userId`, `topN`, `requestId`);
 * a record may still come in that spelling and is read the same. Where a record carries both,
 * the canonical name wins.
 */
const canonicalNames = (value: unknown): unknown => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record: Record<string, unknown> = { ...value };
  for (const [camel, snake] of CAMEL_TO_SNAKE) {
    if (camel in record) {
      if (!(snake in record)) record[snake] = record[camel];
      delete record[camel];
    }
  }
  return record;
};

/** Reads a request record off the stream (either spelling); failures name the canonical field. */
export const RecommendationRequestRecordSchema = z.preprocess(
  canonicalNames,
  z
    .object({ user_id: UserId, top_n: TopN.default(DEFAULT_TOP_N), request_id: RequestId, timestamp: Timestamp })
    .transform((r): RecommendationRequest => ({
      userId: r.user_id,
      topN: r.top_n,
      requestId: r.request_id,
      timestamp: r.timestamp,
    })),
);

/** The record a producer writes for a request. */
export const toRequestRecord = (request: RecommendationRequest): RecommendationRequestRecord => ({
  user_id: request.userId,
  top_n: request.topN,
  request_id: request.requestId,
  timestamp: request.timestamp,
});

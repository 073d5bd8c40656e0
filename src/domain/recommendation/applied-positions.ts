import { z } from 'zod';
import { compareSeq, FactPosition } from './recommendation-fact.js';

/**
 * The highest position applied per source stream, most recently touched last. A read model
 * document is gated on it: a fact at or below the mark is a redelivery and changes nothing
 * (Kinesis redelivers a batch from the first failed record, so duplicates are a replayed run).
 *
 * Bounded: a channel document sees its own stream, its auctions' streams and a feed shard or
 * two; a user sees one stream per auction bid in. Beyond `limit`, the least recently touched
 * mark is dropped; a redelivery that old (hundreds of streams later) would count once more,
 * which only nudges a score.
 */
export const AppliedPositions = z.array(z.tuple([FactPosition.shape.stream, FactPosition.shape.seq]));
export type AppliedPositions = z.infer<typeof AppliedPositions>;

export const isApplied = (applied: AppliedPositions, position: FactPosition): boolean => {
  const mark = applied.find(([stream]) => stream === position.stream);
  return mark !== undefined && compareSeq(position.seq, mark[1]) <= 0;
};

/** The marks with `position` recorded (call only when `isApplied` is false). */
export const markApplied = (applied: AppliedPositions, position: FactPosition, limit: number): AppliedPositions => {
  const rest = applied.filter(([stream]) => stream !== position.stream);
  const next: AppliedPositions = [...rest, [position.stream, position.seq]];
  return next.length > limit ? next.slice(next.length - limit) : next;
};

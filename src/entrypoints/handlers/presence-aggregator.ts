import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { PresenceStreamRecord } from '../../application/presence-stream/beat-record.js';
import type { PresenceAggregator } from '../../application/presence-stream/presence-aggregator.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { kinesisRecordWithData, parseKinesisPrefix, reasonOf, resumeAt } from './stream-batch.js';

export interface PresenceAggregatorHandlerDeps {
  readonly aggregator: PresenceAggregator;
  readonly logger: HandlerLogger;
}

const PresenceKinesisRecord = kinesisRecordWithData(PresenceStreamRecord);

/**
 * The `presence-aggregator` Lambda (presence stream, one batch in flight per shard): records
 * validated by the Powertools parser; the prefix before the first invalid one is aggregated and
 * that record reported (the mapping retries it, then hands it to the on-failure destination).
 * If aggregating fails, the batch resumes at its first record: re-applying beats is a no-op for
 * the ones already saved, so a retry neither loses nor double-counts a viewer.
 */
export const makePresenceAggregatorHandler =
  (deps: PresenceAggregatorHandlerDeps) =>
  async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    const { sequences, cut, prefix } = await parseKinesisPrefix<PresenceStreamRecord>(event, PresenceKinesisRecord, {
      context,
      logger: deps.logger,
      invalid: 'presence record is not a valid beat or tick',
    });
    try {
      const result = await deps.aggregator.aggregate(prefix);
      deps.logger.debug('presence aggregated', {
        accepted: result.accepted,
        ignored: result.ignored,
        conflicts: result.conflicts,
      });
      for (const c of result.channels)
        if (c.outcome === 'PUBLISHED')
          deps.logger.info('viewer count published', { channelId: c.channelId, count: c.count });
    } catch (error) {
      deps.logger.error('aggregating presence failed; the batch is retried from its first record', {
        reason: reasonOf(error),
      });
      return resumeAt(sequences[0]);
    }
    return resumeAt(sequences[cut]);
  };
export type PresenceAggregatorHandler = ReturnType<typeof makePresenceAggregatorHandler>;

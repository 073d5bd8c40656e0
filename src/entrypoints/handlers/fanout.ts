import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import type { FanOut } from '../../application/live/fan-out-feed.js';
import { FeedRecordData } from '../../adapters/kinesis/feed-record-codec.js';
import type { FeedItem } from '../../domain/live-feed/feed-item.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { kinesisRecordWithData, parseKinesisPrefix, reasonOf, resumeAt } from './stream-batch.js';

export interface FanoutHandlerDeps {
  readonly fanOut: FanOut;
  readonly logger: HandlerLogger;
}

/** The whole feed record schema, built once (see `kinesisRecordWithData`). */
const FeedKinesisRecord = kinesisRecordWithData(FeedRecordData);

/**
 * The `fanout` Lambda (F3): Kinesis batch → feed items (each validated by the Powertools parser
 * against `FeedItem`; a poisoned record is a failed item) → per channel, coalesced → broadcast
 * messages per (channel, shard) → SQS. Only the prefix before the first bad record is fanned
 * out; if a channel's messages cannot be enqueued, the batch resumes at that channel's first
 * record (channels are independent, so the others' work before it stands).
 */
export const makeFanoutHandler =
  (deps: FanoutHandlerDeps) =>
  async (event: KinesisStreamEvent, context?: Context): Promise<KinesisStreamBatchResponse> => {
    const {
      sequences,
      cut,
      data: items,
    } = await parseKinesisPrefix<FeedItem[]>(event, FeedKinesisRecord, {
      context,
      logger: deps.logger,
      invalid: 'feed record is not a valid FeedItem',
    });
    const done = sequences.slice(0, cut);
    const batch = done.flatMap((seq) => items.get(seq) ?? []);
    const result = await deps.fanOut(batch);
    if (result.failed.size > 0) {
      const at = done.findIndex((seq) => (items.get(seq) ?? []).some((item) => result.failed.has(item.channelId)));
      for (const [channelId, error] of result.failed) {
        deps.logger.error(
          'broadcast messages for a channel could not be enqueued; the batch resumes at its first record',
          {
            channelId,
            reason: reasonOf(error),
          },
        );
      }
      return resumeAt(sequences[at === -1 ? 0 : at]);
    }
    deps.logger.debug('fanned out', {
      records: sequences.length,
      channels: result.channels,
      items: result.items,
      messages: result.messages,
    });
    return resumeAt(sequences[cut]);
  };
export type FanoutHandler = ReturnType<typeof makeFanoutHandler>;

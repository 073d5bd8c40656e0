import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { FanOut } from '../../application/live/fan-out-feed.js';
import { FeedRecordData } from '../../adapters/kinesis/feed-record-codec.js';
import type { FeedItem } from '../../domain/live-feed/feed-item.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { firstFailedIndex, kinesisRecordWithData, reasonOf, resumeAt } from './stream-batch.js';

export interface FanoutHandlerDeps {
  readonly fanOut: FanOut;
  readonly logger: HandlerLogger;
}

/**
 * A Kinesis record after Powertools parsed `kinesis.data` (base64 JSON): its feed items. The
 * Kinesis publisher packs a channel's consecutive items into one record (feed-record-codec.ts).
 */
type ParsedRecord = Omit<KinesisStreamRecord, 'kinesis'> & {
  kinesis: Omit<KinesisStreamRecord['kinesis'], 'data'> & { data: FeedItem[] };
};

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
    const items = new Map<string, FeedItem[]>();
    const processor = new BatchProcessor(EventType.KinesisDataStreams, { parser, schema: FeedKinesisRecord });
    const response = await processPartialResponse(
      event,
      async (record: ParsedRecord) => {
        items.set(record.kinesis.sequenceNumber, record.kinesis.data);
      },
      processor,
      { ...(context ? { context } : {}), processInParallel: false, throwOnFullBatchFailure: false },
    );
    const sequences = event.Records.map((r) => r.kinesis.sequenceNumber);
    const cut = firstFailedIndex(sequences, response);
    if (cut < sequences.length) {
      deps.logger.error(
        'feed record is not a valid FeedItem; Lambda retries it, then sends it to the on-failure destination',
        {
          sequenceNumber: sequences[cut],
          reason: processor.errors[0] ? reasonOf(processor.errors[0]) : 'unknown',
        },
      );
    }
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

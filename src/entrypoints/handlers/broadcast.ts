import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Broadcast } from '../../application/live/broadcast-feed.js';
import { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import { parseRecordBody, type HandlerLogger } from './sqs-record-body.js';
import { reasonOf } from './stream-batch.js';

/**
 * A queue message's real body: the text itself, or (when the queue adapter moved a body over
 * the SQS limit to S3) the object its pointer names. Throws if that object is gone.
 */
export type QueueBodyReader = (body: string) => Promise<string>;

export interface BroadcastHandlerDeps {
  readonly broadcast: Broadcast;
  readonly logger: HandlerLogger;
  /** Reads offloaded bodies; without it a body is taken as it is (no offload store configured). */
  readonly readBody?: QueueBodyReader;
}

/**
 * The `broadcast` Lambda (F4): each SQS message (read back from S3 if it was offloaded, then
 * validated against `BroadcastMessage`) is posted as one frame to its channel shard's
 * connections. Gone connections are removed and do not fail the message; a message fails (by
 * its messageId) only if it is malformed, its offloaded body is missing, or its retry could
 * not be queued, and SQS then redelivers it until the DLQ takes it.
 *
 * The body is parsed here rather than by the Powertools parser (`innerSchema` +
 * `transformer: 'json'`): that rebuilds the extended SQS schema for every record (~150 µs
 * each in the fan-out profile) and would reject an offload pointer before it could be read.
 */
export const makeBroadcastHandler =
  (deps: BroadcastHandlerDeps) =>
  async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        const body = deps.readBody ? await deps.readBody(record.body) : record.body;
        const message = parseRecordBody(BroadcastMessage, { messageId: record.messageId, body });
        const result = await deps.broadcast(message);
        if (result.gone.length > 0)
          deps.logger.debug('gone connections removed', { channelId: message.channelId, gone: result.gone.length });
        if (result.abandoned.length > 0) {
          deps.logger.warn('connections unreachable after retries; they will recover the gap over HTTP', {
            channelId: message.channelId,
            shardNo: message.shardNo,
            connections: result.abandoned.length,
          });
        }
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
    if (response.batchItemFailures.length > 0) {
      deps.logger.error('broadcast messages failed; SQS redelivers them, then moves them to the DLQ', {
        messageIds: response.batchItemFailures.map((f) => f.itemIdentifier),
        reasons: processor.errors.map(reasonOf),
      });
    }
    return response;
  };
export type BroadcastHandler = ReturnType<typeof makeBroadcastHandler>;

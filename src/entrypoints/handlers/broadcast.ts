import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { parser } from '@aws-lambda-powertools/batch/parser';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Broadcast } from '../../application/live/broadcast-feed.js';
import { BroadcastMessage } from '../../domain/live-feed/feed-item.js';
import type { HandlerLogger } from './sqs-record-body.js';
import { reasonOf } from './stream-batch.js';

export interface BroadcastHandlerDeps {
  readonly broadcast: Broadcast;
  readonly logger: HandlerLogger;
}

type ParsedRecord = Omit<SQSRecord, 'body'> & { body: BroadcastMessage };

/**
 * The `broadcast` Lambda (F4): each SQS message (validated by the Powertools parser against
 * `BroadcastMessage`) is posted as one frame to its channel shard's connections. Gone
 * connections are removed and do not fail the message; a message fails (by its messageId)
 * only if it is malformed or its retry could not be queued, and SQS then redelivers it until
 * the DLQ takes it.
 */
export const makeBroadcastHandler =
  (deps: BroadcastHandlerDeps) =>
  async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS, { parser, innerSchema: BroadcastMessage, transformer: 'json' });
    const response = await processPartialResponse(
      event,
      async (record: ParsedRecord) => {
        const result = await deps.broadcast(record.body);
        if (result.gone.length > 0) deps.logger.debug('gone connections removed', { channelId: record.body.channelId, gone: result.gone.length });
        if (result.abandoned.length > 0) {
          deps.logger.warn('connections unreachable after retries; they will recover the gap over HTTP', {
            channelId: record.body.channelId,
            shardNo: record.body.shardNo,
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

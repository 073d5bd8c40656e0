import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { AuctionCloseMessage } from '../../application/auction/auction-close-message.js';
import type { CloseAuctionOutcome } from '../../application/auction/close-auction.js';
import { parseRecordBody, type HandlerLogger } from './sqs-record-body.js';

export interface AuctionCloseHandlerDeps {
  readonly closeAuction: (message: AuctionCloseMessage) => Promise<CloseAuctionOutcome>;
  readonly logger: HandlerLogger;
}

/**
 * The `auction-close` Lambda (SQS scheduler queue with per-message delays): each due message
 * closes its auction, or sends the next hop when the end is further out or was extended.
 * Closing is idempotent, so duplicate deliveries are harmless.
 */
export const makeAuctionCloseHandler =
  (deps: AuctionCloseHandlerDeps) =>
  async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          const message = parseRecordBody(AuctionCloseMessage, record);
          const result = await deps.closeAuction(message);
          const log = result.outcome === 'CLOSED' ? deps.logger.info.bind(deps.logger) : deps.logger.debug.bind(deps.logger);
          log(`auction close message handled: ${result.outcome}`, { auctionId: message.auctionId, hop: message.hop, ...result });
        } catch (error) {
          deps.logger.warn('auction close record failed; SQS redelivers it, then moves it to the DLQ', { messageId: record.messageId, error });
          throw error;
        }
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
    return response;
  };

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
 * closes its auction, or sends the one next hop when the end is further out or was extended.
 * Closing is idempotent, so duplicate deliveries are harmless; several messages of one auction
 * in one batch (at-least-once copies, a retried open) are decided once, so their chains merge
 * into one instead of each sending its own next hop.
 */
export const makeAuctionCloseHandler =
  (deps: AuctionCloseHandlerDeps) =>
  async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const processor = new BatchProcessor(EventType.SQS);
    const decided = new Map<string, Promise<CloseAuctionOutcome>>();
    const response = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          const message = parseRecordBody(AuctionCloseMessage, record);
          const first = decided.get(message.auctionId);
          if (first) {
            // The first copy's outcome stands for this one; if it failed, its redelivery carries the chain.
            await first.catch(() => undefined);
            deps.logger.debug('auction close message merged with another of the same auction in this batch', {
              auctionId: message.auctionId,
              messageId: record.messageId,
            });
            return;
          }
          const pending = deps.closeAuction(message);
          decided.set(message.auctionId, pending);
          const result = await pending;
          const log =
            result.outcome === 'CLOSED' ? deps.logger.info.bind(deps.logger) : deps.logger.debug.bind(deps.logger);
          log(`auction close message handled: ${result.outcome}`, {
            auctionId: message.auctionId,
            hop: message.hop,
            ...result,
          });
        } catch (error) {
          deps.logger.warn('auction close record failed; SQS redelivers it, then moves it to the DLQ', {
            messageId: record.messageId,
            error,
          });
          throw error;
        }
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
    return response;
  };

import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BookingOutcome } from '../../domain/booking/index.js';
import { BookingRequestMessage } from '../../application/booking/booking-request-message.js';
import type { StatsPublisher } from '../../application/booking/stats-publisher.js';
import { parseRecordBody, type HandlerLogger } from './sqs-record-body.js';

export interface BookingHandlerDeps {
  readonly processBooking: (message: BookingRequestMessage) => Promise<BookingOutcome>;
  readonly stats: StatsPublisher;
  readonly logger: HandlerLogger;
}

const isScheduledEvent = (event: SQSEvent | ScheduledEvent): event is ScheduledEvent => !('Records' in event);

/**
 * The `booking` Lambda (SQS FIFO: group = trip). Records are decided in order; on a failure
 * the rest of that trip's records in the batch are returned unprocessed (order within a trip
 * is the fairness promise), while other trips' records go on. An unreadable body is failed
 * alone, so it does not take the rest of its batch's trip requests to the DLQ with it (SQS FIFO
 * still holds the trip's later messages until it reaches the DLQ). After the batch, `stats.json` is
 * republished if the throttle allows. A scheduled (EventBridge) invocation only flushes
 * pending stats, so the last figures of a rush are published even when no batch follows.
 */
export const makeBookingHandler =
  (deps: BookingHandlerDeps) =>
  async (event: SQSEvent | ScheduledEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (isScheduledEvent(event)) {
      await publishStats(deps, () => deps.stats.flush());
      return { batchItemFailures: [] };
    }
    // A body no consumer can read is failed on its own (to the DLQ after the maximum receives):
    // order is owed between readable requests, and failing them with it would send them to the
    // DLQ too. Only processing errors skip the rest of a group.
    const readable = new Map<string, BookingRequestMessage>();
    const unreadable: string[] = [];
    for (const record of event.Records) {
      try {
        readable.set(record.messageId, parseRecordBody(BookingRequestMessage, record));
      } catch (error) {
        unreadable.push(record.messageId);
        deps.logger.error("unreadable booking record: failed alone, it reaches the DLQ after the maximum receives; the trip's other requests go on", {
          messageId: record.messageId,
          groupId: record.attributes.MessageGroupId,
          error,
        });
      }
    }
    const processor = new SqsFifoPartialProcessorAsync();
    const outcomes = { CONFIRMED: 0, REJECTED: 0, CANCELLED: 0 };
    const records = event.Records.filter((r) => readable.has(r.messageId));
    const processed =
      records.length === 0
        ? { batchItemFailures: [] }
        : await processPartialResponse(
            { Records: records },
            async (record: SQSRecord) => {
              try {
                const outcome = await deps.processBooking(readable.get(record.messageId)!);
                outcomes[outcome.status]++;
              } catch (error) {
                deps.logger.warn('booking record not processed; SQS redelivers it, then moves it to the DLQ', { messageId: record.messageId, error });
                throw error;
              }
            },
            processor,
            { ...(context ? { context } : {}), skipGroupOnError: true, throwOnFullBatchFailure: false },
          );
    const response: SQSBatchResponse = { batchItemFailures: [...unreadable.map((itemIdentifier) => ({ itemIdentifier })), ...processed.batchItemFailures] };
    deps.logger.debug('booking batch processed', { outcomes, failed: response.batchItemFailures.length });
    if (response.batchItemFailures.length < event.Records.length) await publishStats(deps, () => deps.stats.changed());
    return response;
  };

/** Publishing is best effort: the counters are the truth and the next batch or tick republishes. */
const publishStats = async (deps: BookingHandlerDeps, publish: () => Promise<boolean>): Promise<void> => {
  try {
    await publish();
  } catch (error) {
    deps.logger.warn('publishing stats.json failed; it stays pending for the next batch or tick', { error });
  }
};

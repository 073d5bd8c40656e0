import { processPartialResponse, SqsFifoPartialProcessorAsync } from '@aws-lambda-powertools/batch';
import type { Context, ScheduledEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { BookingOutcome } from '../../domain/booking/index.js';
import type { ProcessBookingOptions } from '../../application/booking/process-booking.js';
import { DomainError } from '../../domain/shared/errors.js';
import { BookingRequestMessage } from '../../application/booking/booking-request-message.js';
import type { StatsPublisher } from '../../application/booking/stats-publisher.js';
import type { ParkMessage } from '../../application/queues/parked-message.js';
import { InvalidRecordError, parseRecordBody, type HandlerLogger } from './sqs-record-body.js';

export interface BookingHandlerDeps {
  readonly processBooking: (message: BookingRequestMessage, options?: ProcessBookingOptions) => Promise<BookingOutcome>;
  /** Keeps a request that can never be processed aside (the parking queue), so its trip moves on. */
  readonly park: ParkMessage;
  readonly stats: StatsPublisher;
  readonly logger: HandlerLogger;
}

const isScheduledEvent = (event: SQSEvent | ScheduledEvent): event is ScheduledEvent => !('Records' in event);

/**
 * The `booking` Lambda (SQS FIFO: group = trip). Records are decided in order; on a processing
 * fault (a store unavailable…) the rest of that trip's records in the batch are returned
 * unprocessed, because order within a trip is the fairness promise and the fault may pass.
 * A record that can never succeed — a body that fails validation, or a request the trip's rules
 * refuse outright — is parked instead: copied to the parking queue with its reasons and then
 * reported done, so SQS deletes it and hands out the trip's next requests at once. A failed item
 * would hold the whole trip (FIFO releases nothing more of a group while one of its messages is in
 * flight) for every receive until the DLQ: 5 × 60 s. Only if parking itself fails is the record
 * failed, to be parked on a later receive or, at worst, dead-lettered. Decisions are taken one
 * after the other; their counting runs meanwhile and the batch waits for all of it (the counts of
 * a batch then reach the counter store together instead of costing round trips per record): a
 * record whose counting failed is reported failed, and its redelivery finds its outcome already
 * decided and counts it. After the batch,
 * `stats.json` is republished if the throttle allows. A scheduled (EventBridge) invocation only
 * flushes pending stats, so the last figures of a rush are published even when no batch follows.
 */
export const makeBookingHandler =
  (deps: BookingHandlerDeps) =>
  async (event: SQSEvent | ScheduledEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (isScheduledEvent(event)) {
      await publishStats(deps, () => deps.stats.flush());
      return { batchItemFailures: [] };
    }
    const readable = new Map<string, BookingRequestMessage>();
    const unparked: string[] = [];
    let parked = 0;
    for (const record of event.Records) {
      try {
        readable.set(record.messageId, parseRecordBody(BookingRequestMessage, record));
      } catch (error) {
        const reasons = error instanceof InvalidRecordError ? [...error.issues] : [String(error)];
        if (await parkRecord(deps, record, reasons)) parked++;
        else unparked.push(record.messageId);
      }
    }
    const processor = new SqsFifoPartialProcessorAsync();
    const outcomes = { CONFIRMED: 0, REJECTED: 0, CANCELLED: 0 };
    const records = event.Records.filter((r) => readable.has(r.messageId));
    const counting = new Map<string, Promise<void>>();
    const processed =
      records.length === 0
        ? { batchItemFailures: [] }
        : await processPartialResponse(
            { Records: records },
            async (record: SQSRecord) => {
              try {
                const outcome = await deps.processBooking(readable.get(record.messageId)!, {
                  deferCount: (c) => counting.set(record.messageId, c),
                });
                outcomes[outcome.status]++;
              } catch (error) {
                // A rule's refusal (e.g. TRIP_NOT_FOUND) comes back the same on every receive: park it.
                if (
                  error instanceof DomainError &&
                  (await parkRecord(deps, record, [`${error.code}: ${error.message}`]))
                ) {
                  parked++;
                  return;
                }
                deps.logger.warn(
                  'booking record not processed; SQS redelivers it (holding its trip), then moves it to the DLQ',
                  { messageId: record.messageId, error },
                );
                throw error;
              }
            },
            processor,
            { ...(context ? { context } : {}), skipGroupOnError: true, throwOnFullBatchFailure: false },
          );
    const uncounted: string[] = [];
    await Promise.all(
      [...counting].map(([messageId, c]) =>
        c.catch((error: unknown) => {
          uncounted.push(messageId);
          deps.logger.warn('booking decided but not counted; SQS redelivers it and it is counted then', {
            messageId,
            error,
          });
        }),
      ),
    );
    const failed = new Set([...processed.batchItemFailures.map((f) => f.itemIdentifier), ...uncounted]);
    const response: SQSBatchResponse = {
      batchItemFailures: [
        ...unparked.map((itemIdentifier) => ({ itemIdentifier })),
        ...[...failed].map((itemIdentifier) => ({ itemIdentifier })),
      ],
    };
    deps.logger.debug('booking batch processed', { outcomes, parked, failed: response.batchItemFailures.length });
    if (response.batchItemFailures.length + parked < event.Records.length)
      await publishStats(deps, () => deps.stats.changed());
    return response;
  };

/** True once the parking queue holds the record; false (logged) when it could not be parked. */
const parkRecord = async (deps: BookingHandlerDeps, record: SQSRecord, reasons: string[]): Promise<boolean> => {
  const groupId = record.attributes.MessageGroupId;
  try {
    await deps.park({
      kind: 'booking',
      sourceArn: record.eventSourceARN,
      messageId: record.messageId,
      ...(groupId ? { groupId } : {}),
      body: record.body,
      reasons,
    });
    deps.logger.error(
      'booking record can never be processed: parked, its trip goes on (`npm run redrive` puts it back once it can be read)',
      {
        messageId: record.messageId,
        groupId,
        reasons,
      },
    );
    return true;
  } catch (error) {
    deps.logger.error(
      'booking record can never be processed and parking it failed: failed alone, it is parked on a later receive or reaches the DLQ',
      {
        messageId: record.messageId,
        groupId,
        reasons,
        error,
      },
    );
    return false;
  }
};

/** Publishing is best effort: the counters are the truth and the next batch or tick republishes. */
const publishStats = async (deps: BookingHandlerDeps, publish: () => Promise<boolean>): Promise<void> => {
  try {
    await publish();
  } catch (error) {
    deps.logger.warn('publishing stats.json failed; it stays pending for the next batch or tick', { error });
  }
};

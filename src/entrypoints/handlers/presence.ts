import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { ApplyOutcome, PresenceTracker } from '../../application/presence/presence-tracker.js';
import { PresenceMessage } from '../../application/presence/presence-message.js';
import { parseRecordBody, type HandlerLogger } from './sqs-record-body.js';

export interface PresenceHandlerDeps {
  readonly tracker: PresenceTracker;
  readonly logger: HandlerLogger;
}

/**
 * The `presence` Lambda (SQS standard, heartbeats): each record is validated and applied
 * (a failed record is reported alone and retried, then DLQ'd); then every channel the batch
 * touched is counted and published. If that last step fails, every record is reported failed
 * so the batch comes back — re-applying its beats is a no-op (their sequences are no longer
 * newer) and the count is tried again, so a count change is never dropped on an error.
 */
export const makePresenceHandler =
  (deps: PresenceHandlerDeps) =>
  async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    const batch = deps.tracker.batch();
    const tally: Record<ApplyOutcome, number> = { RECORDED: 0, STALE: 0, ENDED: 0, RECOUNT: 0, NO_CHANNEL: 0 };
    // One processor per invocation: a Powertools processor holds the batch it works on, and the
    // local runtime may run invocations concurrently.
    const processor = new BatchProcessor(EventType.SQS);
    const response = await processPartialResponse(
      event,
      async (record: SQSRecord) => {
        try {
          const outcome = await batch.apply(parseRecordBody(PresenceMessage, record));
          tally[outcome]++;
        } catch (error) {
          deps.logger.warn('heartbeat record rejected; SQS redelivers it, then moves it to the DLQ', {
            messageId: record.messageId,
            error,
          });
          throw error;
        }
      },
      processor,
      { ...(context ? { context } : {}), throwOnFullBatchFailure: false },
    );
    try {
      const counts = await batch.finish();
      deps.logger.debug('presence batch applied', { tally, counts });
      for (const c of counts)
        if (c.outcome === 'PUBLISHED')
          deps.logger.info('viewer count published', { channelId: c.channelId, count: c.count });
    } catch (error) {
      deps.logger.error('counting viewers failed; the whole batch is returned for a retry', { error, tally });
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    }
    return response;
  };

import type { DynamoDBRecord } from 'aws-lambda';
import type { IntegrationMessage } from '../../application/integration/integration-events.js';
import type { IntegrationFeed } from '../../application/integration/integration-feed.js';
import { IntegrationPublishError } from '../../application/ports/integration-publisher.port.js';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { makeEventsStreamHandler } from './events-stream-consumer.js';
import type { HandlerLogger } from './sqs-record-body.js';

export interface IntegrationPublisherHandlerDeps {
  readonly feed: IntegrationFeed;
  /** Stream record → stored event (null for records that are not new events); an adapter, injected. */
  readonly decodeRecord: (record: DynamoDBRecord) => EventEnvelope | null;
  readonly logger: HandlerLogger;
}

/**
 * The `integration-publisher` Lambda: the events table's DynamoDB stream (its own event source
 * mapping, beside the relay's) → integration events → the SNS FIFO topic, with the
 * prefix-and-resume rules of every events-stream consumer (`makeEventsStreamHandler`). A resumed
 * batch republishes messages that already went out: the topic drops them by deduplication id
 * (stream id + version) within its 5-minute window.
 */
export const makeIntegrationPublisherHandler = (deps: IntegrationPublisherHandlerDeps) =>
  makeEventsStreamHandler<IntegrationMessage>({
    decodeRecord: deps.decodeRecord,
    map: (envelope) => deps.feed.messageFor(envelope),
    publish: (batch) => deps.feed.publish(batch),
    refusedBy: (error) => (error instanceof IntegrationPublishError ? new Set(error.failed) : null),
    logger: deps.logger,
    says: {
      unmappable:
        'stream record cannot be published as an integration event; Lambda retries it, then sends it to the on-failure destination',
      publishFailed: 'publishing integration events failed; the batch resumes at the first refused record',
      published: 'integration events published',
      itemsField: 'messages',
    },
  });
export type IntegrationPublisherHandler = ReturnType<typeof makeIntegrationPublisherHandler>;

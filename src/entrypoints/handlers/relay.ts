import type { DynamoDBRecord } from 'aws-lambda';
import type { RelayFeed } from '../../application/live/relay-feed.js';
import { PublishError } from '../../application/ports/feed-publisher.port.js';
import type { ChannelFeedEvent } from '../../domain/live-feed/feed-item.js';
import type { EventEnvelope } from '../../domain/shared/envelope.js';
import { makeEventsStreamHandler } from './events-stream-consumer.js';
import type { HandlerLogger } from './sqs-record-body.js';

export interface RelayHandlerDeps {
  readonly relay: RelayFeed;
  /** Stream record → stored event (null for records that are not new events); an adapter, injected. */
  readonly decodeRecord: (record: DynamoDBRecord) => EventEnvelope | null;
  readonly logger: HandlerLogger;
}

/**
 * The `relay` Lambda (F2): DynamoDB Streams batch → feed items → ONE `PutRecords` to the live
 * feed, with the prefix-and-resume rules of every events-stream consumer
 * (`makeEventsStreamHandler`). If the put fails, the first record whose item the feed did not
 * accept is reported.
 */
export const makeRelayHandler = (deps: RelayHandlerDeps) =>
  makeEventsStreamHandler<ChannelFeedEvent>({
    decodeRecord: deps.decodeRecord,
    map: (envelope) => deps.relay.itemFor(envelope),
    publish: (batch) => deps.relay.publish(batch),
    refusedBy: (error) => (error instanceof PublishError ? new Set(error.failed) : null),
    logger: deps.logger,
    says: {
      unmappable: 'stream record cannot be relayed; Lambda retries it, then sends it to the on-failure destination',
      publishFailed: 'publishing to the live feed failed; the batch resumes at the first refused record',
      published: 'relayed',
      itemsField: 'items',
    },
  });
export type RelayHandler = ReturnType<typeof makeRelayHandler>;

import { decodeEventStreamRecord } from '../../adapters/dynamodb/stream-record-decoder.js';
import type { IntegrationMessage } from '../../application/integration/integration-events.js';
import { makeIntegrationFeed, type IntegrationFeed } from '../../application/integration/integration-feed.js';
import type { IntegrationPublisher } from '../../application/ports/integration-publisher.port.js';
import {
  makeIntegrationPublisherHandler,
  type IntegrationPublisherHandler,
} from '../handlers/integration-publisher.js';
import { TOKENS, bindingsModule, tokenIn } from './tokens.js';

const token = tokenIn('integration');

/** Integration events out (docs/INTEGRATION.md). `Publisher` comes from the backend (SNS FIFO in AWS). */
export const INTEGRATION_TOKENS = {
  Publisher: token<IntegrationPublisher>('Publisher'),
  /** Optional: told of each published batch (`npm start -- --show-integration-events`); unbound in AWS. */
  OnPublished: token<(messages: readonly IntegrationMessage[]) => void>('OnPublished'),
  Feed: token<IntegrationFeed>('Feed'),
  Handler: token<IntegrationPublisherHandler>('Handler'),
} as const;

/** The integration feed and the `integration-publisher` handler over the bound publisher. */
export const integrationModule = bindingsModule((bind) => {
  bind(INTEGRATION_TOKENS.Feed, (get) => {
    const onPublished = get.optional(INTEGRATION_TOKENS.OnPublished);
    return makeIntegrationFeed({
      publisher: get(INTEGRATION_TOKENS.Publisher),
      ...(onPublished ? { onPublished } : {}),
    });
  });
  bind(INTEGRATION_TOKENS.Handler, (get) =>
    makeIntegrationPublisherHandler({
      feed: get(INTEGRATION_TOKENS.Feed),
      decodeRecord: decodeEventStreamRecord,
      logger: get(TOKENS.Logger),
    }),
  );
});

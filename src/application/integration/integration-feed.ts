import type { EventEnvelope } from '../../domain/shared/envelope.js';
import type { IntegrationPublisher } from '../ports/integration-publisher.port.js';
import type { IntegrationMessage } from './integration-events.js';
import { toIntegrationMessage } from './integration-mapping.js';

export interface IntegrationFeedDeps {
  readonly publisher: IntegrationPublisher;
  /** Told of every message once the topic accepted it (`npm start -- --show-integration-events`). */
  readonly onPublished?: (messages: readonly IntegrationMessage[]) => void;
}

export interface IntegrationFeed {
  /**
   * The integration message of one stored event, or null when its type is not published.
   * Throws `UnreadableEventError` when a published type cannot be translated: that record is
   * poison, the caller reports it failed rather than skipping a fact.
   */
  messageFor(envelope: EventEnvelope): IntegrationMessage | null;
  /** Publishes a batch's messages (one group per source stream, in order). */
  publish(messages: readonly IntegrationMessage[]): Promise<void>;
}

/** Integration events out: stored events → published language → the integration topic. */
export const makeIntegrationFeed = (deps: IntegrationFeedDeps): IntegrationFeed => ({
  messageFor: toIntegrationMessage,
  async publish(messages) {
    if (messages.length === 0) return;
    await deps.publisher.publish(messages);
    deps.onPublished?.(messages);
  },
});

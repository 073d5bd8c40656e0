import type { IntegrationMessage } from '../integration/integration-events.js';

/** Publishing failed for good (retry budget spent, or refused for a reason retrying cannot fix). */
export class IntegrationPublishError extends Error {
  override readonly name = 'IntegrationPublishError';
  constructor(
    message: string,
    /** The messages not published: a refused one and every later one of its group (never sent out of order). */
    readonly failed: readonly IntegrationMessage[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The integration topic (SNS FIFO in AWS; docs/INTEGRATION.md). `publish` sends messages in
 * batches of at most 10; within a message group (the source stream) they are delivered in the
 * order given, and a message whose deduplication id was published within the last 5 minutes is
 * accepted but not delivered again. Entries the service refuses are retried alone, with back-off;
 * when one is refused for good, it and the rest of its group are not sent (the others are) and
 * `IntegrationPublishError` names them.
 */
export interface IntegrationPublisher {
  publish(messages: readonly IntegrationMessage[]): Promise<void>;
}

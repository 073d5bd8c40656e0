import { z } from 'zod';
import type { Clock } from '../ports/clock.port.js';
import type { MessageQueue } from '../ports/message-queue.port.js';
import { QueueMessageKind } from './queue-message-kinds.js';

/**
 * A queue message its consumer can never process (its body does not match the schema, or the
 * rules refuse it whatever the retries), kept aside on a parking queue with why, so the rest of
 * its FIFO group moves on at once instead of waiting for it to exhaust its receives. The original
 * body and group travel inside, so the redrive script can put it back once a consumer reads it.
 */
export const ParkedMessage = z.object({
  parked: z.literal(true),
  kind: QueueMessageKind,
  /** The queue it was taken from (its ARN, as the event source reports it). */
  sourceArn: z.string().min(1),
  messageId: z.string().min(1),
  groupId: z.string().min(1).optional(),
  /** The body exactly as received. */
  body: z.string(),
  reasons: z.array(z.string()).min(1),
  parkedAt: z.number().int().nonnegative(),
});
export type ParkedMessage = z.infer<typeof ParkedMessage>;

export type ParkMessage = (message: Omit<ParkedMessage, 'parked' | 'parkedAt'>) => Promise<void>;

export interface ParkMessageDeps {
  readonly queue: MessageQueue<ParkedMessage>;
  readonly clock: Clock;
}

/** Parks a message; resolves once the parking queue holds it (only then may the consumer let the original go). */
export const makeParkMessage =
  (deps: ParkMessageDeps): ParkMessage =>
  async (message) => {
    await deps.queue.send([{ body: { parked: true, ...message, parkedAt: deps.clock.now() } }]);
  };
